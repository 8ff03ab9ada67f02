/** Short code that loads the exported file, for Python onnxruntime and for JavaScript (onnxruntime-node). */
export function Snippets({ file, classes }: { file: string; classes: string[] }) {
  const name = file.split(/[\\/]/).pop() || 'model.onnx';
  const labels = JSON.stringify(classes.slice(0, 20));
  const py = `import json, numpy as np, onnxruntime as ort
from PIL import Image

sess = ort.InferenceSession("${name}")
meta = sess.get_modelmeta().custom_metadata_map
c, h, w = json.loads(meta["input_size"])
mean, std = json.loads(meta["mean"]), json.loads(meta["std"])
img = Image.open("image.png").convert("L" if c == 1 else "RGB").resize((w, h))
x = np.asarray(img, np.float32).reshape(h, w, c).transpose(2, 0, 1) / 255
x = ((x - np.array(mean)[:, None, None]) / np.array(std)[:, None, None])[None].astype(np.float32)
out = sess.run(None, {sess.get_inputs()[0].name: x})[0][0]
print(json.loads(meta["class_names"])[int(out.argmax())])`;
  const js = `const ort = require('onnxruntime-node');
const labels = ${labels};
const sess = await ort.InferenceSession.create('${name}');
// x: Float32Array of [1, C, H, W], normalised as in the model's metadata
const out = await sess.run({ [sess.inputNames[0]]: new ort.Tensor('float32', x, [1, C, H, W]) });
const scores = out[sess.outputNames[0]].data;
console.log(labels[scores.indexOf(Math.max(...scores))]);`;
  return (
    <div className="snippets">
      <details open>
        <summary>Python (onnxruntime)</summary>
        <pre className="code" data-testid="snippet-python">
          {py}
        </pre>
      </details>
      <details>
        <summary>JavaScript (onnxruntime-node / onnxruntime-web)</summary>
        <pre className="code" data-testid="snippet-js">
          {js}
        </pre>
      </details>
    </div>
  );
}
