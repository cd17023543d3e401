// Scaffolding: replaced by the screen itself.
export function PlanScreen() {
  return <p className="muted">Not built yet.</p>;
}
