using System.Diagnostics;

namespace ModelGen.Package.Tests;

/// <summary>What a child process did: its exit code, what it wrote to each stream, and how long it took.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    /// <summary>Everything it printed, standard output first.</summary>
    public string Output => StandardOutput + StandardError;
}

/// <summary>Runs programs as child processes, as a user would from a shell.</summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> in <paramref name="folder"/> and waits for it (10 minutes at most).</summary>
    public static ProcessResult Run(string program, string folder, IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        configure?.Invoke(start);
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException(program + " could not be started.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in 10 minutes.");
        }
        return new ProcessResult(process.ExitCode, output.Result, errors.Result, clock.Elapsed);
    }
}

/// <summary>Runs the dotnet CLI as a child process, as a user would from a shell.</summary>
public static class DotnetCli
{
    /// <summary>Runs `dotnet <paramref name="arguments"/>` in <paramref name="folder"/>.</summary>
    public static ProcessResult Run(string folder, params string[] arguments) => ChildProcess.Run("dotnet", folder, arguments, start =>
    {
        // The test host runs inside MSBuild's and the test platform's environment; a child build must
        // start from a user's, or it would pick up this run's MSBuild and SDK settings.
        foreach (string name in start.Environment.Keys.ToList())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name is "DOTNET_HOST_PATH" or "MSBuildSDKsPath" or "MSBuildExtensionsPath")
                start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // English messages whatever the machine's language: the tests read some of them.
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
    });

    /// <summary>The repository root: the folder above this test's output that holds ModelGen.sln.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "ModelGen.sln"))) return folder.FullName;
        throw new InvalidOperationException("ModelGen.sln was not found above " + AppContext.BaseDirectory);
    }
}
