/**
 * The page may load only its own scripts and styles and talk only to its own origin. React Flow
 * sets inline style attributes, hence 'unsafe-inline' for styles only; no inline or eval'd script.
 */
export function contentSecurityPolicy(connectSrc: string[] = ["'self'"]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connectSrc.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
