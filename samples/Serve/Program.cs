using ModelGen.Samples.Serve.Cli;

// The whole program is the command line; the tests call ServeCli.RunAsync the same way. SIGTERM and Ctrl+C stop
// the server gracefully (the host's console lifetime): readiness turns false, requests in flight finish.
return await ServeCli.RunAsync(args, Console.Out, Console.Error);
