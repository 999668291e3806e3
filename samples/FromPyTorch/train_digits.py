#!/usr/bin/python3
"""Trains the sample's digit classifier with PyTorch and exports it to ONNX.

The network is Keras' MNIST convnet, written in PyTorch (the same as the `convnet` fixture in
tests/fixtures/pytorch): [N,1,28,28] -> Conv2d(1,32,3) ReLU -> MaxPool2d(2) -> Conv2d(32,64,3) ReLU ->
MaxPool2d(2) -> Flatten -> Dropout(0.5) -> Linear(1600,10) -> Softmax(dim=1).
Adam (lr 1e-3), batch 128, 3 epochs, seed 1, CPU, 2 threads. Inputs are the pixels / 255 as float32,
with no mean/std normalisation, in NCHW layout.

Run from the repository root, with Debian's Python:

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 samples/FromPyTorch/train_digits.py [--data DIR] [--epochs 3] [--seed 1]

It reads the four uncompressed MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) from --data (default ~/.cache/modelgen/mnist), and writes
  samples/FromPyTorch/models/digits.onnx   opset 13, input 'input' [batch,1,28,28], output 'output' [batch,10]
  samples/FromPyTorch/models/digits.json   what PyTorch measured: test accuracy (count correct / 10000),
                                           losses, settings, versions, and the predicted classes of the first
                                           100 test images and the probabilities of the first 10, so that
                                           a C# test can compare without Python.
The committed files were made with Debian 12's python3-torch 1.13.1+dfsg-4 (torch.__version__ says
1.13.0a0) and python3-onnx 1.12.0; 3 epochs took about 7 minutes on 2 shared cores (train_seconds in digits.json).
"""

import argparse
import hashlib
import json
import os
import subprocess
import time
import warnings

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
NORMALISATION = "pixels / 255 as float32 in [0, 1]; no mean/std normalisation; layout NCHW [N,1,28,28]"


class ConvNet(nn.Module):
    """Keras' MNIST convnet (same layout and parameter names as the `convnet` fixture)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10), nn.Softmax(dim=1))

    def forward(self, x):
        return self.features(x)

    def logits(self, x):
        """everything but the final Softmax (training uses cross-entropy on the logits)"""
        return self.features[:-1](x)


def read_idx(path, magic, ndim):
    """An IDX file: big-endian int32 magic (0x0801 unsigned bytes + number of dimensions), big-endian
    int32 sizes, then the data as unsigned bytes."""
    with open(path, "rb") as f:
        data = f.read()
    found = int.from_bytes(data[0:4], "big")
    if found != magic:
        raise ValueError("%s: magic %#x, expected %#x" % (path, found, magic))
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError("%s: %d data bytes for dimensions %s" % (path, body.size, dims))
    return body.reshape(dims)


def load_mnist(folder, kind):
    images = read_idx(os.path.join(folder, kind + "-images-idx3-ubyte"), 0x00000803, 3)
    labels = read_idx(os.path.join(folder, kind + "-labels-idx1-ubyte"), 0x00000801, 1)
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def debian_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def predict(model, x, batch=1000):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def main():
    parser = argparse.ArgumentParser(description="Train the digits convnet with PyTorch and export it to ONNX.")
    parser.add_argument("--data", default=os.path.expanduser("~/.cache/modelgen/mnist"),
                        help="folder with the four uncompressed MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=MODELS, help="folder for digits.onnx and digits.json")
    parser.add_argument("--limit-batches", type=int, default=0,
                        help="smoke test: stop each epoch after this many batches (0: all)")
    args = parser.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)

    x_train, y_train = load_mnist(args.data, "train")
    x_test, y_test = load_mnist(args.data, "t10k")
    print("train %s, test %s" % (tuple(x_train.shape), tuple(x_test.shape)))

    model = ConvNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = torch.Generator().manual_seed(args.seed)
    batch_size = 128
    epoch_losses = []
    last_batch_loss = None
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=shuffle)
        total, count, t0 = 0.0, 0, time.time()
        for b, i in enumerate(range(0, len(order), batch_size)):
            if args.limit_batches and b >= args.limit_batches:
                break
            idx = order[i:i + batch_size]
            loss = F.cross_entropy(model.logits(x_train[idx]), y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            last_batch_loss = loss.item()
            total += last_batch_loss * len(idx)
            count += len(idx)
        epoch_losses.append(total / count)
        print("epoch %d: mean training loss %.5f (last batch %.5f), %.1f s" % (
            epoch, epoch_losses[-1], last_batch_loss, time.time() - t0), flush=True)
    train_seconds = time.time() - started

    model.eval()
    probs = predict(model, x_test)
    predicted = probs.argmax(dim=1)
    correct = int((predicted == y_test).sum().item())
    print("test accuracy: %d / %d = %.2f %%" % (correct, len(y_test), 100.0 * correct / len(y_test)))

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "digits.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x_test[:1], onnx_path, export_params=True, opset_version=13,
                          do_constant_folding=True, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    exported = onnx.load(onnx_path)
    onnx.checker.check_model(exported)

    report = {
        "model": "digits.onnx",
        "architecture": "Keras MNIST convnet: [N,1,28,28] Conv2d(1,32,3) ReLU MaxPool2d(2) Conv2d(32,64,3) ReLU "
                        "MaxPool2d(2) Flatten Dropout(0.5) Linear(1600,10) Softmax(dim=1); the eval-mode export "
                        "drops Dropout",
        "onnx_ops": [n.op_type for n in exported.graph.node],
        "opset": 13,
        "input": {"name": "input", "shape": ["batch", 1, 28, 28], "dtype": "float32"},
        "output": {"name": "output", "shape": ["batch", 10], "dtype": "float32", "meaning": "class probabilities"},
        "normalisation": NORMALISATION,
        "parameters": sum(p.numel() for p in model.parameters()),
        "test_correct": correct,
        "test_total": len(y_test),
        "test_accuracy": correct / len(y_test),
        "final_train_loss": epoch_losses[-1],
        "final_train_loss_meaning": "mean cross-entropy over the last epoch's batches (model in training mode, "
                                    "dropout active)",
        "last_batch_loss": last_batch_loss,
        "epoch_train_losses": epoch_losses,
        "epochs": args.epochs,
        "batch_size": batch_size,
        "optimizer": "Adam lr 1e-3 (PyTorch defaults otherwise), cross-entropy on the logits",
        "init": "PyTorch's default initialisation after torch.manual_seed(seed)",
        "shuffle": "torch.randperm each epoch with a torch.Generator seeded with seed",
        "seed": args.seed,
        "threads": torch.get_num_threads(),
        "limit_batches": args.limit_batches or None,
        "train_seconds": round(train_seconds, 1),
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__,
                     "python3-torch": debian_version("python3-torch"),
                     "python3-onnx": debian_version("python3-onnx")},
        "mnist_sha256": {name: sha256(os.path.join(args.data, name)) for name in (
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")},
        "onnx_sha256": sha256(onnx_path),
        "first100_labels": y_test[:100].tolist(),
        "first100_predicted": predicted[:100].tolist(),
        "first10_probabilities": [[float(v) for v in row] for row in probs[:10].numpy()],
    }
    with open(os.path.join(args.out, "digits.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print("wrote %s (%d bytes) and digits.json" % (onnx_path, os.path.getsize(onnx_path)))


if __name__ == "__main__":
    main()
