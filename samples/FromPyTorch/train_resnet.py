#!/usr/bin/python3
"""Trains the sample's small ResNet on MNIST with PyTorch and exports it to ONNX with its BatchNorm kept.

The network, [N,1,28,28] -> 10 probabilities (the `ResNet` class below; parameter names as torchvision's ResNet):
  conv1 Conv2d(1,16,3,pad 1,no bias) bn1 BatchNorm2d(16) ReLU                                    16 x 28 x 28
  layer1 basic block 16->16: Conv(3x3) BN ReLU Conv(3x3) BN, + x (identity shortcut), ReLU       16 x 28 x 28
  layer2 basic block 16->32, stride 2: the same with a strided first conv, and a projection
         shortcut Conv2d(16,32,1,stride 2,no bias) + BatchNorm2d(32); ReLU after the Add          32 x 14 x 14
  layer3 basic block 32->64, stride 2, projection shortcut likewise                              64 x 7 x 7
  adaptive_avg_pool2d(x, 1) -> flatten -> fc Linear(64,10) -> Softmax(dim=1)
Training uses cross-entropy on the logits (everything but the Softmax): the loss ModelGen's compiled classifier
uses for a Softmax output (sparse categorical cross-entropy), so fine-tuning in C# continues the same objective.
Adam (lr 1e-3 falling to 0 along a half cosine over all the steps), batch 128, 2 epochs, seed 1, CPU, 2 threads,
BatchNorm with PyTorch's defaults (momentum 0.1, eps 1e-5). Inputs are the pixels / 255 as float32, with no mean/std
normalisation, in NCHW layout.

The model is exported from eval state with training=torch.onnx.TrainingMode.PRESERVE: the BatchNormalization
nodes stay in the graph, holding the learned scale and shift and the running mean and variance, instead of being
folded into the convolutions (what an eval-mode export does). The compiled C# model can then be fine-tuned with
BatchNorm in training mode (batch statistics, running statistics moving as in PyTorch).

Run from the repository root, with Debian's Python:

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 samples/FromPyTorch/train_resnet.py [--data DIR] [--epochs 2] [--seed 1] [--out DIR]

It reads the four uncompressed MNIST IDX files from --data (default ~/.cache/modelgen/mnist), and writes
  samples/FromPyTorch/models/resnet.onnx   opset 13, input 'input' [batch,1,28,28], output 'output' [batch,10]
  samples/FromPyTorch/models/resnet.json   what PyTorch measured: test accuracy (count correct / 10000), the
                                           predicted class of every test image (a string of 10,000 digits),
                                           the probabilities of the first 10, losses, settings, versions and
                                           SHA-256s, so that the C# side can compare without Python.
--limit-batches N stops each epoch after N batches (a smoke test of the export; do not commit its output).
The committed files were made with Debian 12's python3-torch 1.13.1+dfsg-4 (torch.__version__ says 1.13.0a0) and
python3-onnx 1.12.0; the run's time is train_seconds and total_seconds in resnet.json.
"""

import argparse
import json
import os
import time
import warnings

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

from train_digits import MODELS, NORMALISATION, debian_version, load_mnist, sha256

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class BasicBlock(nn.Module):
    """ResNet's basic block: Conv-BN-ReLU-Conv-BN, plus the shortcut (the input itself, or a strided 1x1
    Conv + BN projection when the size or the channels change), then ReLU."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.downsample = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    """The sample's ResNet: a 16-channel stem, three basic blocks (16, 32 and 64 channels; the last two strided
    with projection shortcuts), global average pooling, Linear(64, 10), Softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = BasicBlock(16, 16, 1)
        self.layer2 = BasicBlock(16, 32, 2)
        self.layer3 = BasicBlock(32, 64, 2)
        self.fc = nn.Linear(64, 10)

    def logits(self, x):
        """everything but the final Softmax (training uses cross-entropy on the logits)"""
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))

    def forward(self, x):
        return F.softmax(self.logits(x), dim=1)


def main():
    parser = argparse.ArgumentParser(description="Train the sample's ResNet with PyTorch and export it to ONNX.")
    parser.add_argument("--data", default=os.path.expanduser("~/.cache/modelgen/mnist"),
                        help="folder with the four uncompressed MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=MODELS, help="folder for resnet.onnx and resnet.json")
    parser.add_argument("--limit-batches", type=int, default=0,
                        help="smoke test: stop each epoch after this many batches (0: all)")
    args = parser.parse_args()
    started_script = time.time()

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)

    x_train, y_train = load_mnist(args.data, "train")
    x_test, y_test = load_mnist(args.data, "t10k")
    print("train %s, test %s" % (tuple(x_train.shape), tuple(x_test.shape)))

    model = ResNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = torch.Generator().manual_seed(args.seed)
    batch_size = 128
    batches = (len(x_train) + batch_size - 1) // batch_size
    if args.limit_batches:
        batches = min(batches, args.limit_batches)
    # The learning rate falls from 1e-3 to 0 along a half cosine over all the steps. At a constant 1e-3 the weights
    # still jump from step to step at the end, and the running statistics lag behind them: that run (2 epochs,
    # same seed) ended at 97.69 % in eval mode.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * batches)
    epoch_losses, epoch_seconds = [], []
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
            schedule.step()
            last_batch_loss = loss.item()
            total += last_batch_loss * len(idx)
            count += len(idx)
        epoch_losses.append(total / count)
        epoch_seconds.append(round(time.time() - t0, 1))
        print("epoch %d: mean training loss %.5f (last batch %.5f), %.1f s" % (
            epoch, epoch_losses[-1], last_batch_loss, epoch_seconds[-1]), flush=True)
    train_seconds = time.time() - started

    model.eval()
    t0 = time.time()
    with torch.no_grad():
        logits = torch.cat([model.logits(x_test[i:i + 500]) for i in range(0, len(x_test), 500)])
    probs = F.softmax(logits, dim=1)  # what forward() computes, and the exported graph's output
    eval_seconds = time.time() - t0
    predicted = probs.argmax(dim=1)
    correct = int((predicted == y_test).sum().item())
    test_loss = float(F.cross_entropy(logits, y_test).item())
    top2 = probs.topk(2, dim=1).values
    margins = (top2[:, 0] - top2[:, 1]).numpy()
    print("test accuracy: %d / %d = %.2f %% (loss %.5f), %.1f s" % (
        correct, len(y_test), 100.0 * correct / len(y_test), test_loss, eval_seconds))

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "resnet.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x_test[:1], onnx_path, export_params=True, opset_version=13,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    model.eval()  # the PRESERVE export keeps the module's mode; stay in eval for anything after this
    exported = onnx.load(onnx_path)
    onnx.checker.check_model(exported)
    ops = [n.op_type for n in exported.graph.node]
    if ops.count("BatchNormalization") != 9:
        raise SystemExit("the export has %d BatchNormalization nodes, expected 9: %s"
                         % (ops.count("BatchNormalization"), ops))

    report = {
        "model": "resnet.onnx",
        "architecture": "ResNet: [N,1,28,28] conv1 Conv2d(1,16,3,pad 1,no bias) bn1 ReLU; layer1 basic block 16->16 "
                        "(Conv BN ReLU Conv BN + identity, ReLU); layer2 basic block 16->32 stride 2 with a projection "
                        "shortcut (Conv2d(16,32,1,stride 2,no bias) + BN); layer3 basic block 32->64 stride 2 with a "
                        "projection shortcut; adaptive_avg_pool2d(x,1) flatten fc Linear(64,10) Softmax(dim=1)",
        "export": "torch.onnx.export from eval state with training=TrainingMode.PRESERVE, do_constant_folding=True: "
                  "BatchNormalization nodes kept with their running statistics",
        "onnx_ops": ops,
        "opset": 13,
        "input": {"name": "input", "shape": ["batch", 1, 28, 28], "dtype": "float32"},
        "output": {"name": "output", "shape": ["batch", 10], "dtype": "float32", "meaning": "class probabilities"},
        "normalisation": NORMALISATION,
        "parameters": sum(p.numel() for p in model.parameters()),
        "batch_norm": {"layers": sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()), "momentum": 0.1,
                       "eps": 1e-5, "running_values": sum(b.numel() for n, b in model.named_buffers()
                                                          if n.endswith(("running_mean", "running_var")))},
        "test_correct": correct,
        "test_total": len(y_test),
        "test_accuracy": correct / len(y_test),
        "test_loss": test_loss,
        "test_loss_meaning": "mean cross-entropy (of the logits, eval mode) over the test set",
        "final_train_loss": epoch_losses[-1],
        "final_train_loss_meaning": "mean cross-entropy over the last epoch's batches (model in training mode: "
                                    "BatchNorm with batch statistics)",
        "last_batch_loss": last_batch_loss,
        "epoch_train_losses": epoch_losses,
        "epoch_seconds": epoch_seconds,
        "epochs": args.epochs,
        "batch_size": batch_size,
        "optimizer": "Adam lr 1e-3 (PyTorch defaults otherwise), cross-entropy on the logits",
        "schedule": "CosineAnnealingLR stepped after every batch, T_max = all the steps: the rate falls from 1e-3 to 0",
        "steps": args.epochs * batches,
        "init": "PyTorch's default initialisation after torch.manual_seed(seed)",
        "shuffle": "torch.randperm each epoch with a torch.Generator seeded with seed",
        "seed": args.seed,
        "threads": torch.get_num_threads(),
        "limit_batches": args.limit_batches or None,
        "train_seconds": round(train_seconds, 1),
        "eval_seconds": round(eval_seconds, 1),
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__,
                     "python3-torch": debian_version("python3-torch"),
                     "python3-onnx": debian_version("python3-onnx")},
        "mnist_sha256": {name: sha256(os.path.join(args.data, name)) for name in MNIST_FILES},
        "onnx_sha256": sha256(onnx_path),
        "first100_labels": y_test[:100].tolist(),
        "test_predicted": "".join(str(int(c)) for c in predicted.tolist()),
        "test_predicted_meaning": "the class PyTorch predicts (argmax of the probabilities) for each of the 10,000 "
                                  "test images, in the file's order, one digit each",
        "smallest_top2_margins": [{"image": int(i), "margin": float(margins[i])} for i in np.argsort(margins)[:5]],
        "smallest_top2_margins_meaning": "the five test images whose two largest probabilities are closest, and that "
                                         "gap: a float rounding could flip only a near-tie",
        "first10_probabilities": [[float(v) for v in row] for row in probs[:10].numpy()],
    }
    report["total_seconds"] = round(time.time() - started_script, 1)
    with open(os.path.join(args.out, "resnet.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print("wrote %s (%d bytes) and resnet.json; %.1f s in all" % (onnx_path, os.path.getsize(onnx_path),
                                                                 report["total_seconds"]))


if __name__ == "__main__":
    main()
