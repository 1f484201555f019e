// Copy text: the async Clipboard API when the web view allows it, else select + execCommand.

export async function copyText(text: string, from?: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection fallback
  }
  const field = from ?? document.createElement("input");
  const temporary = !from;
  if (temporary) {
    field.value = text;
    field.readOnly = true;
    field.className = "offscreen";
    document.body.appendChild(field);
  }
  field.focus();
  field.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  if (temporary) field.remove();
  return ok;
}
