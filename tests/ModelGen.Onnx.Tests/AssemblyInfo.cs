// One test class at a time: ONNX Runtime sessions and the MNIST training use both cores, and the
// machine's cores are shared; running classes in parallel would only slow each down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
