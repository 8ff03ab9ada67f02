import type { DatasetScan } from '../../core/api';
import { useDoc } from '../state/document';
import { datasetProblem, inputSize, matchModelToData, outputClasses } from './model-io';
import { plural } from '../../core/text/plural';

/**
 * Compares the model's Input block (size, colour) and Output block (classes) with the dataset and
 * offers one click to make them agree. Images are resized to the Input size when training, so a
 * size mismatch is allowed; a colour or class mismatch is worth fixing.
 */
export function InputMatch({ scan }: { scan: DatasetScan }) {
  const doc = useDoc((s) => s.doc);
  const inp = inputSize(doc);
  const classes = outputClasses(doc);
  if (!inp) return <p className="banner warn">The model has no Input block: draw one (or pick a template) before training.</p>;
  const s = scan.sample;
  const problems: string[] = [];
  if (s && s.channels !== inp.channels)
    problems.push(
      `the images are ${s.channels === 1 ? 'grayscale (1 channel)' : 'RGB (3 channels)'}, the Input block takes ${inp.channels} channel${inp.channels > 1 ? 's' : ''}`,
    );
  if (s && (s.width !== inp.width || s.height !== inp.height))
    problems.push(`the images are ${s.width}×${s.height}, the Input block takes ${inp.width}×${inp.height} (images are resized when training)`);
  // A dataset of fewer than two classes cannot train (datasetProblem: the Train tab says so); the
  // Output block is not compared with it, not offered to change, and no "match" is claimed.
  const trainable = datasetProblem(scan) === null;
  if (trainable && classes !== null && classes !== scan.classes.length)
    problems.push(`the Output block has ${plural(classes, 'class')}, the dataset ${scan.classes.length}`);
  if (!trainable && problems.length === 0) return null;
  if (problems.length === 0)
    return (
      <p className="banner ok" data-testid="input-match">
        The model's Input ({inp.channels}×{inp.height}×{inp.width}) and Output ({classes === null ? 'no' : plural(classes, 'class')}) match the dataset.
      </p>
    );
  const classCount = trainable ? { classes: scan.classes.length } : {};
  return (
    <div className="banner warn input-mismatch" data-testid="input-mismatch">
      <ul>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <div className="row-actions">
        <button
          type="button"
          className="primary"
          data-testid="match-all"
          onClick={() => matchModelToData({ ...(s ? { channels: s.channels, height: s.height, width: s.width } : {}), ...classCount })}
        >
          Match the model to the data
        </button>
        <button type="button" data-testid="match-classes" onClick={() => matchModelToData({ ...(s ? { channels: s.channels } : {}), ...classCount })}>
          {trainable ? 'Colour and classes only (keep size)' : 'Colour only (keep size)'}
        </button>
      </div>
    </div>
  );
}
