/** export_onnx.py: trained weights back to ONNX (for CNN Studio's import, or deployment). */
export function exportOnnxPy(): string {
  return `"""Export the model with trained weights as ONNX.

    python export_onnx.py --weights runs/a/best.pt --out model.onnx

CNN Studio opens the file (Import ONNX), with the weights.
"""
import argparse

import torch

from model import INPUT_SIZE, build_model


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--weights", help=".safetensors or a train.py checkpoint")
    p.add_argument("--out", default="model.onnx")
    p.add_argument("--opset", type=int, default=17)
    args = p.parse_args()
    model = build_model(args.weights).eval()
    torch.onnx.export(
        model,
        torch.zeros(1, *INPUT_SIZE),
        args.out,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        opset_version=args.opset,
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
`;
}
