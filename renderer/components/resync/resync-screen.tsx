// Scaffolding: replaced by the screen itself.
export function ResyncScreen() {
  return <p className="muted">Not built yet.</p>;
}
