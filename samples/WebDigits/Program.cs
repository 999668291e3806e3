using ModelGen;

// The page (wwwroot/js/digits.js) starts the runtime, which runs this, then calls DigitsExports.
// The kernels start no worker threads in the browser (WorkerPool): every product runs on the page's one thread.
Console.WriteLine($"ModelGen kernels in this browser: {VectorPath.Description}");
