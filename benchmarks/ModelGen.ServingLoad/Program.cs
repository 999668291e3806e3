using System.Globalization;
using ModelGen.ServingLoad;
using ModelGen.ServingLoad.Load;
using ModelGen.ServingLoad.Onnx;

// serving-load load [--url URL] [--name NAME] [--concurrency 1,16,64] [--duration S] [--warmup S] [--batch N] [--server-pid PID]
// serving-load serve-onnx --model FILE [--urls URL]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine(Arguments.Usage);
        return args.Length == 0 ? 2 : 0;
    }
    var arguments = new Arguments(args[1..]);
    return args[0] switch
    {
        "load" => await LoadCommand.RunAsync(arguments, Console.Out),
        "serve-onnx" => await OnnxServeCommand.RunAsync(arguments, Console.Out),
        _ => throw new UsageException($"unknown command '{args[0]}'; use load or serve-onnx"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
