"""Reference decoder for test/main/data/decode-reference.test.ts: Pillow opens each file named on the
command line, takes its first frame, converts it to RGB, and prints one JSON line per file:
{"file", "width", "height", "rgb": [r, g, b, r, g, b, ...]} (row-major, interleaved)."""
import json
import sys

from PIL import Image

for name in sys.argv[1:]:
    with Image.open(name) as im:
        im.seek(0)
        rgb = im.convert("RGB")
        print(json.dumps({"file": name, "width": rgb.width, "height": rgb.height, "rgb": list(rgb.tobytes())}))
