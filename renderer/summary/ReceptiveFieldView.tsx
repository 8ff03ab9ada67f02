import { useEffect, useRef } from 'react';
import type { ReceptiveField, Shape } from '../../core/graph/types';
import { drawSample } from './sample-image';

interface Props {
  input: Shape | null;
  rf: ReceptiveField | null;
  rfW: ReceptiveField | null;
  out: Shape | null;
  label: string;
}

const VIEW = 220;

/**
 * What one output position of the selected layer sees: its receptive field as a box on a sample
 * input, centred on the middle output position. Deeper layers draw bigger boxes; a box larger
 * than the image is clipped, and the text says so.
 */
export function ReceptiveFieldView({ input, rf, rfW, out, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [c, h, w]: [number, number, number] = input && input.length === 3 ? [input[0]!, input[1]!, input[2]!] : [3, 224, 224];
  useEffect(() => {
    const cv = ref.current;
    const ctx = cv?.getContext('2d');
    if (!cv || !ctx) return;
    const scale = VIEW / Math.max(h, w);
    cv.width = Math.round(w * scale);
    cv.height = Math.round(h * scale);
    ctx.save();
    ctx.scale(scale, scale);
    drawSample(ctx, w, h, c);
    ctx.restore();
    if (!rf) return;
    const fw = rfW ?? rf;
    // The middle output position; a vector output (after flatten/global pooling) sees everything.
    const oy = out && out.length === 3 ? Math.floor((out[1]! - 1) / 2) : 0;
    const ox = out && out.length === 3 ? Math.floor((out[2]! - 1) / 2) : 0;
    const cy = rf.start + oy * rf.jump;
    const cx = fw.start + ox * fw.jump;
    const y0 = (cy - rf.size / 2) * scale;
    const x0 = (cx - fw.size / 2) * scale;
    ctx.fillStyle = 'rgba(255, 80, 60, 0.18)';
    ctx.fillRect(x0, y0, fw.size * scale, rf.size * scale);
    ctx.strokeStyle = '#ff3b2f';
    ctx.lineWidth = 2;
    ctx.strokeRect(x0, y0, fw.size * scale, rf.size * scale);
    ctx.fillStyle = '#ff3b2f';
    ctx.beginPath();
    ctx.arc(cx * scale, cy * scale, 3, 0, Math.PI * 2);
    ctx.fill();
  }, [c, h, w, rf, rfW, out]);
  const clipped = rf && (rf.size > h || (rfW ?? rf).size > w);
  return (
    <figure className="rf-view" data-testid="rf-view">
      <canvas ref={ref} aria-label={`Receptive field of ${label}`} />
      <figcaption>
        {rf ? (
          <>
            <b>{label}</b>: each output sees{' '}
            <span data-testid="rf-size">
              {rf.size}×{(rfW ?? rf).size}
            </span>{' '}
            px of the {h}×{w} input
            {rf.jump > 1 ? `, one position every ${rf.jump} px` : ''}
            {clipped ? ' (more than the whole image, with padding)' : ''}.
          </>
        ) : (
          'Select a layer to see what part of the image it sees.'
        )}
      </figcaption>
    </figure>
  );
}
