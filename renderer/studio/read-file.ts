/** A picked or dropped file as the backend takes it: its name and its bytes in base64. */
export function readUpload(file: File): Promise<{ name: string; data: string; url: string }> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onerror = () => reject(new Error(`${file.name}: ${r.error?.message ?? 'cannot read'}`));
    r.onload = () => {
      const url = String(r.result);
      resolve({ name: file.name, data: url.slice(url.indexOf(',') + 1), url });
    };
    r.readAsDataURL(file);
  });
}
