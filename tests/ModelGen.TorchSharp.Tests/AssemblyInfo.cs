// One test at a time: libtorch runs single-threaded (TorchRuntime.Threads) for reproducible sums, and the
// machine's cores are shared; parallel test classes would only make timings and thread use unpredictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
