/**
 * A generated sample input for the receptive-field view: a simple scene (sky, sun, hills, a
 * house) in colour, or a handwritten-looking "7" for one-channel inputs. Generated rather than
 * bundled, so it matches any input size exactly.
 */
export function drawSample(ctx: CanvasRenderingContext2D, w: number, h: number, channels: number): void {
  if (channels === 1) {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = '#fff';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = Math.max(1.5, w * 0.11);
    ctx.beginPath();
    ctx.moveTo(w * 0.27, h * 0.25);
    ctx.lineTo(w * 0.72, h * 0.24);
    ctx.quadraticCurveTo(w * 0.55, h * 0.5, w * 0.45, h * 0.8);
    ctx.moveTo(w * 0.38, h * 0.52);
    ctx.lineTo(w * 0.66, h * 0.5);
    ctx.stroke();
    return;
  }
  const sky = ctx.createLinearGradient(0, 0, 0, h);
  sky.addColorStop(0, '#7cc3f2');
  sky.addColorStop(1, '#d9f0ff');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#ffd23f';
  ctx.beginPath();
  ctx.arc(w * 0.8, h * 0.2, w * 0.09, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#5fae4e';
  ctx.beginPath();
  ctx.moveTo(0, h * 0.7);
  ctx.quadraticCurveTo(w * 0.3, h * 0.5, w * 0.6, h * 0.68);
  ctx.quadraticCurveTo(w * 0.85, h * 0.8, w, h * 0.62);
  ctx.lineTo(w, h);
  ctx.lineTo(0, h);
  ctx.fill();
  ctx.fillStyle = '#c44d3a';
  ctx.fillRect(w * 0.2, h * 0.5, w * 0.22, h * 0.2);
  ctx.fillStyle = '#7a3b2e';
  ctx.beginPath();
  ctx.moveTo(w * 0.17, h * 0.5);
  ctx.lineTo(w * 0.31, h * 0.38);
  ctx.lineTo(w * 0.45, h * 0.5);
  ctx.fill();
  ctx.fillStyle = '#f4e7b0';
  ctx.fillRect(w * 0.27, h * 0.58, w * 0.07, h * 0.12);
}
