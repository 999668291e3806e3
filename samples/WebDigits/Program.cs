using ModelGen;

// The page (wwwroot/js/digits.js) starts the runtime, which runs this, then calls DigitsExports.
// The browser gives .NET one thread: the kernels run every product on it.
Kernels.AllowParallel = false;
Console.WriteLine($"ModelGen kernels in this browser: {VectorPath.Description}");
