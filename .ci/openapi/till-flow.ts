// A till's flow typed from the committed contract (openapi-typescript's output in generated/patron.ts),
// type-checked with tsc --strict by .ci/openapi-check: it does not run, it proves the types fit a till.
import type { components, paths } from "./generated/patron";

type PurchaseRequest = components["schemas"]["PurchaseRequest"];
type PurchaseResponse = components["schemas"]["PurchaseResponse"];
type Problem = components["schemas"]["Problem"];
type CommitBody = paths["/api/v1/purchases"]["post"]["requestBody"]["content"]["application/json"];
type Committed = paths["/api/v1/purchases"]["post"]["responses"][201]["content"]["application/json"];
type Replayed = paths["/api/v1/purchases"]["post"]["responses"][200]["content"]["application/json"];
type Account = paths["/api/v1/members/{id}/account"]["get"]["responses"][200]["content"]["application/json"];
type Members = paths["/api/v1/members"]["get"]["responses"][200]["content"]["application/json"];
type ReturnBody = paths["/api/v1/purchases/{id}/returns"]["post"]["requestBody"]["content"]["application/json"];

const base = "https://patron.example.com";

async function call<T>(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T | Problem }> {
  const response = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T | Problem };
}

export async function sell(key: string, card: string): Promise<number> {
  const members = await call<Members>(key, "GET", `/api/v1/members?cardNumber=${card}`);
  if (members.status !== 200) {
    throw new Error((members.body as Problem).code);
  }
  const memberId: number = (members.body as Members).items[0].id;
  const basket: CommitBody = {
    receiptId: "R-1001",
    member: { cardNumber: card },
    lines: [{ lineId: "1", sku: "85123A", name: "T-light holder", category: "home", quantity: 6, unitPrice: 2.55 }],
    couponCodes: [],
    pointsToRedeem: 0,
  };
  const request: PurchaseRequest = basket;
  const answer = await call<Committed | Replayed>(key, "POST", "/api/v1/purchases", request);
  if (answer.status === 422) {
    const problem = answer.body as Problem;
    const most: number | undefined = problem.maxRedeemablePoints;
    throw new Error(`${problem.code} ${most ?? ""}`);
  }
  const sale: PurchaseResponse = answer.body as Committed;
  const account = await call<Account>(key, "GET", `/api/v1/members/${memberId}/account`);
  const available: number = (account.body as Account).pointsAvailable;
  const back: ReturnBody = { returnId: "RET-1", lines: [{ lineId: "1", quantity: 2 }] };
  await call(key, "POST", `/api/v1/purchases/${sale.purchaseId}/returns`, back);
  return available + sale.pointsEarned;
}
