#!/usr/bin/python3
"""Loads parameters the C# sample saved back into the PyTorch model they came from and evaluates them on the MNIST
test set: the way back from C# to PyTorch. digits-finetuned.safetensors goes into train_digits.py's ConvNet,
resnet-finetuned.safetensors (told apart by its tensors' names) into train_resnet.py's ResNet, running statistics
and num_batches_tracked included.

    /usr/bin/python3 samples/FromPyTorch/evaluate_in_pytorch.py from-pytorch-output/digits-finetuned.safetensors
    /usr/bin/python3 samples/FromPyTorch/evaluate_in_pytorch.py from-pytorch-output/resnet-finetuned.safetensors

ModelGen saves an imported model under the names and layouts of PyTorch's state_dict ('features.0.weight',
'layer2.downsample.1.running_var', Conv2d [out, in, kh, kw], Linear [out, in]), so the file loads with
load_state_dict as it is (strictly: every tensor of the model, nothing else). It is read here without the
safetensors package (Debian has none): an 8-byte little-endian header length, a JSON header, then the raw
little-endian data (float32, and int64 for num_batches_tracked).
"""

import argparse
import json
import os
import struct

import numpy as np
import torch

from train_digits import ConvNet, load_mnist
from train_resnet import ResNet

DTYPES = {"F32": "<f4", "I64": "<i8"}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in DTYPES:
            raise ValueError("%s: %s is %s, expected F32 or I64" % (path, name, info["dtype"]))
        start, end = info["data_offsets"]
        data = np.frombuffer(body[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(data.astype(data.dtype.newbyteorder("=")))
    return tensors


def main():
    parser = argparse.ArgumentParser(description="Evaluate the C# sample's saved parameters in PyTorch.")
    parser.add_argument("model", help="a .safetensors file the sample wrote")
    parser.add_argument("--data", default=os.path.expanduser("~/.cache/modelgen/mnist"),
                        help="folder with the uncompressed MNIST test files")
    args = parser.parse_args()

    state_dict = read_safetensors(args.model)
    model = ResNet() if "layer1.conv1.weight" in state_dict else ConvNet()
    model.load_state_dict(state_dict)
    model.eval()
    torch.set_num_threads(2)

    x, y = load_mnist(args.data, "t10k")
    with torch.no_grad():
        predicted = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)]).argmax(dim=1)
    correct = int((predicted == y).sum().item())
    print("PyTorch on %s: %d / %d = %.2f %%" % (args.model, correct, len(y), 100.0 * correct / len(y)))


if __name__ == "__main__":
    main()
