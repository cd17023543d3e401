// Scaffolding: replaced by the screen itself.
export function LiveScreen() {
  return <p className="muted">Not built yet.</p>;
}
