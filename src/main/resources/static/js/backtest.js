// Draws a back-test's comparison charts from the JSON in #backtest-data (no inline script needed).
(function () {
  const data = JSON.parse(document.getElementById('backtest-data').textContent);
  const b = data.baseline;
  const c = data.candidate;
  const series = (values) => [
    {label: 'v' + b.version + ' — ' + b.name, data: values(b), backgroundColor: '#98a2b3'},
    {label: 'v' + c.version + ' — ' + c.name, data: values(c), backgroundColor: '#2e6fdb'}
  ];
  const bars = (id, values) => {
    const canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    const labels = (canvas.dataset.labels || '').split('|');
    new Chart(canvas, {type: 'bar', data: {labels: labels, datasets: series(values)},
      options: {responsive: true, plugins: {legend: {position: 'bottom'}}}});
  };
  bars('chart-money', (r) => [Number(r.discountTotal), Number(r.liabilityMoney)]);
  bars('chart-points', (r) => [r.pointsIssued, r.pointsReversed, r.pointsExpired, r.liabilityPoints]);
  const tiers = document.getElementById('chart-tiers');
  if (tiers) {
    const names = [...new Set([...b.tiers, ...c.tiers].map((t) => t.tier))];
    const count = (r) => names.map((n) => (r.tiers.find((t) => t.tier === n) || {members: 0}).members);
    new Chart(tiers, {type: 'bar', data: {labels: names, datasets: series(count)},
      options: {responsive: true, plugins: {legend: {position: 'bottom'}}}});
  }
})();
