// Draws the analytics dashboard's charts from the JSON in #analytics-data (no inline script needed).
(function () {
  const data = JSON.parse(document.getElementById('analytics-data').textContent);
  const sales = document.getElementById('chart-sales');
  new Chart(sales, {
    type: 'bar',
    data: {labels: data.days, datasets: [
      {label: sales.dataset.members, data: data.memberSales.map(Number), backgroundColor: '#2e6fdb', stack: 's'},
      {label: sales.dataset.anonymous, data: data.anonymousSales.map(Number), backgroundColor: '#98a2b3', stack: 's'}]},
    options: {responsive: true, animation: false, plugins: {legend: {position: 'bottom'}}, scales: {x: {stacked: true}, y: {stacked: true}}}
  });
  const participation = document.getElementById('chart-participation');
  new Chart(participation, {
    type: 'line',
    data: {labels: data.days, datasets: [{label: participation.dataset.label, data: data.participation, borderColor: '#2e6fdb'}]},
    options: {responsive: true, animation: false, plugins: {legend: {display: false}}, scales: {y: {min: 0, max: 100}}}
  });
  const tiers = document.getElementById('chart-tiers');
  new Chart(tiers, {
    type: 'bar',
    data: {labels: data.tiers, datasets: [{label: tiers.dataset.label, data: data.tierMembers, backgroundColor: '#2e6fdb'}]},
    options: {responsive: true, animation: false, indexAxis: 'y', plugins: {legend: {display: false}}}
  });
  document.body.dataset.chartsDrawn = 'true';
})();
