/**
 * Which web addresses the app may hand to the operating system (shell.openExternal). The page
 * may only open documentation: https on a known host, no user name or password in the address.
 * Anything else (file:, custom protocol handlers, other hosts) is refused: openExternal runs
 * whatever the system registers for an address, so the renderer must not choose freely.
 *
 * The hosts are the documentation of what the studio works with: the ONNX format, onnxruntime
 * (execution providers, CUDA setup) and PyTorch (the export-pytorch project).
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['onnx.ai', 'onnxruntime.ai', 'pytorch.org', 'docs.pytorch.org'];

export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '') return false;
  const host = u.hostname.toLowerCase();
  return EXTERNAL_LINK_HOSTS.some((h) => host === h || host === `www.${h}`);
}
