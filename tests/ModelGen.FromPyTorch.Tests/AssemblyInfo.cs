// One test class at a time: evaluation and fine-tuning use both cores, which the machine shares; classes
// in parallel would only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
