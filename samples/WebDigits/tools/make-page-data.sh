#!/usr/bin/env bash
# Remakes the files the page ships in wwwroot/models and wwwroot/data, from MNIST and the MNIST sample's `train`:
#   models/{mlp,cnn,resnet}.safetensors  the files `train --network NAME` writes with its defaults (seed 42),
#   models/models.json                   each network's test accuracy and parameter count, from its metrics.json,
#   data/replay.bin                      the first 50 training digits of each class, for "teach it" (see Digits/ReplaySet.cs).
# The convnet takes minutes and the ResNet about half an hour on two cores. Usage: tools/make-page-data.sh [MNIST_FOLDER]
# (default ~/.cache/modelgen/mnist, where the sample caches MNIST). Needs python3 for the JSON and the replay file.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../.." && pwd)
mnist=${1:-$HOME/.cache/modelgen/mnist}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build -c Release "$repo/samples/Mnist" -o "$work/bin" >/dev/null
for network in mlp cnn resnet; do
  "$work/bin/mnist" train --network "$network" --data "$mnist" --out "$work/$network"
  cp "$work/$network/model.safetensors" "$here/wwwroot/models/$network.safetensors"
done

python3 - "$work" "$here/wwwroot/models/models.json" <<'PY'
import json, sys
work, out = sys.argv[1], sys.argv[2]
titles = {"mlp": "MLP (784 → 128 → 10)", "cnn": "Convnet (Keras' MNIST example)", "resnet": "ResNet-20"}
models = []
for name in ("mlp", "cnn", "resnet"):
    m = json.load(open(f"{work}/{name}/metrics.json"))
    models.append({"name": name, "title": titles[name], "file": f"{name}.safetensors",
                   "testAccuracy": m["testAccuracy"], "parameters": m["parameterCount"]})
json.dump({"models": models, "default": "cnn"}, open(out, "w"), indent=2, ensure_ascii=False)
open(out, "a").write("\n")
PY

python3 - "$mnist" "$here/wwwroot/data/replay.bin" <<'PY'
import gzip, os, sys
folder, out = sys.argv[1], sys.argv[2]
def read(name):
    path = os.path.join(folder, name)
    return gzip.open(path + ".gz").read() if os.path.exists(path + ".gz") else open(path, "rb").read()
images, labels = read("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte")
taken, records = [0] * 10, bytearray()
for i, label in enumerate(labels[8:]):
    if taken[label] < 50:
        taken[label] += 1
        records += bytes([label]) + images[16 + i * 784:16 + (i + 1) * 784]
open(out, "wb").write(records)
PY
echo "Wrote $here/wwwroot/models and $here/wwwroot/data/replay.bin"
