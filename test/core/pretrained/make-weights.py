"""Writes the weight files the pretrained-reader tests read (run by the tests, into a temp folder).

  small.pth         torch.save zip of a small state_dict (float, half, int64 counter, a transposed
                    non-contiguous tensor), plus small.json with the same tensors as lists
  small-legacy.pth  the same state_dict in torch's legacy (non-zip) format
  wrapped.pth       {'state_dict': ..., 'epoch': 3}, as training scripts save checkpoints
  small.safetensors the float tensors as F32/F16 safetensors (written with json + struct)
  evil.pth          a torch.save-shaped zip whose data.pkl calls os.system when unpickled
  evil.pkl          the same pickle on its own
"""
import collections, io, json, os, pickle, struct, sys, zipfile

import torch

out = sys.argv[1]
torch.manual_seed(0)
conv = torch.nn.Conv2d(3, 4, 3)
bn = torch.nn.BatchNorm2d(4)
bn.running_mean.uniform_(-1, 1)
bn.running_var.uniform_(0.5, 2)
lin = torch.nn.Linear(6, 5)
sd = collections.OrderedDict()
for prefix, m in (("conv", conv), ("bn", bn), ("fc", lin)):
    for k, v in m.state_dict().items():
        sd[f"{prefix}.{k}"] = v
sd["half"] = torch.randn(2, 3).half()
sd["transposed"] = torch.randn(3, 4).t()  # strides (1, 4): not contiguous
sd["shared_view"] = sd["fc.weight"][1:3]  # a view at a storage offset

torch.save(sd, os.path.join(out, "small.pth"))
torch.save(sd, os.path.join(out, "small-legacy.pth"), _use_new_zipfile_serialization=False)
torch.save({"state_dict": sd, "epoch": 3}, os.path.join(out, "wrapped.pth"))
with open(os.path.join(out, "small.json"), "w") as f:
    json.dump({k: {"shape": list(v.shape), "data": v.float().flatten().tolist()} for k, v in sd.items()}, f)

# safetensors: 8-byte header length, JSON header, raw little-endian data.
header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
for k, v in sd.items():
    if not v.is_floating_point():
        continue
    dtype = "F16" if v.dtype == torch.float16 else "F32"
    b = v.contiguous().numpy().tobytes()
    header[k] = {"dtype": dtype, "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
    blobs.append(b)
    offset += len(b)
h = json.dumps(header).encode()
with open(os.path.join(out, "small.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + os.path.join(out, "PWNED"),))


evil = pickle.dumps(collections.OrderedDict([("conv.weight", Evil())]), protocol=2)
with open(os.path.join(out, "evil.pkl"), "wb") as f:
    f.write(evil)
with zipfile.ZipFile(os.path.join(out, "evil.pth"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("evil/data.pkl", evil)
    z.writestr("evil/version", "3\n")
