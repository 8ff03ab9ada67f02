"""Reference Grad-CAM with PyTorch hooks on an export-pytorch project.

Usage: grad-cam-torch.py JOBS.json. Each job: {"dir", "input" or "image",
"shape", "module", "class", "output"}: the project's model.py built with its
weights.safetensors; the input tensor (little-endian float32, NCHW), or an
image file read by the project's own train.py (load_image with its default
resize policy, then its default mean and std); the hooked module's name (the
conv's state dict prefix); the class to explain (null: the predicted one).
Writes {"class", "heatmap", "probabilities"} to "output":
heatmap = ReLU(sum_c alpha_c A_c), alpha_c the spatial mean of
d logit_k / d A_c (not normalised).
"""
import importlib.util
import json
import sys

import numpy as np
import torch

torch.set_num_threads(1)


def grad_cam(net, module_name, x, k):
    store = {}

    def forward_hook(module, inputs, output):
        store["activation"] = output
        output.register_hook(lambda g: store.__setitem__("gradient", g))

    handle = net.get_submodule(module_name).register_forward_hook(forward_hook)
    try:
        logits = net(x)
    finally:
        handle.remove()
    if k is None:
        k = int(logits[0].argmax())
    net.zero_grad()
    logits[0, k].backward()
    a = store["activation"][0].detach()
    g = store["gradient"][0]
    alpha = g.mean(dim=(1, 2))
    cam = torch.relu((alpha[:, None, None] * a).sum(dim=0))
    probs = torch.softmax(logits[0].detach(), dim=0)
    return k, cam, probs


def project_input(folder, image):
    """The image as the exported train.py prepares it (its recipe's defaults;
    --data is required by its parser and unused here)."""
    sys.path.insert(0, folder)
    import train
    sys.path.pop(0)
    saved, sys.argv = sys.argv, ["train.py", "--data", folder]
    try:
        args = train.parse_args()
    finally:
        sys.argv = saved
    x = train.load_image(image, args.resize)
    mean = torch.tensor(args.mean).view(-1, 1, 1)
    std = torch.tensor(args.std).view(-1, 1, 1)
    del sys.modules["train"]
    return ((x - mean) / std).unsqueeze(0)


for job in json.load(open(sys.argv[1])):
    spec = importlib.util.spec_from_file_location(
        "model_" + str(abs(hash(job["dir"]))), job["dir"] + "/model.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, job["dir"])
    spec.loader.exec_module(module)
    sys.path.pop(0)
    net = module.build_model(job["dir"] + "/weights.safetensors").eval()
    if "image" in job:
        x = project_input(job["dir"], job["image"])
    else:
        raw = np.fromfile(job["input"], dtype="<f4").reshape(job["shape"])
        x = torch.from_numpy(raw)
    k, cam, probs = grad_cam(net, job["module"], x, job["class"])
    json.dump({"class": k, "heatmap": cam.tolist(),
               "probabilities": probs.tolist()}, open(job["output"], "w"))
