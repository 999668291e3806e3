using System.Diagnostics;

namespace ModelGen.Package.Tests;

/// <summary>Runs the dotnet CLI as a child process, as a user would from a shell.</summary>
public static class DotnetCli
{
    /// <summary>Runs `dotnet <paramref name="arguments"/>` in <paramref name="folder"/>; returns the exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The test host runs inside MSBuild's and the test platform's environment; a child build must
        // start from a user's, or it would pick up this run's MSBuild and SDK settings.
        foreach (string name in start.Environment.Keys.ToList())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name is "DOTNET_HOST_PATH" or "MSBuildSDKsPath" or "MSBuildExtensionsPath")
                start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in 10 minutes.");
        }
        return (process.ExitCode, output.Result + errors.Result);
    }

    /// <summary>The repository root: the folder above this test's output that holds ModelGen.sln.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "ModelGen.sln"))) return folder.FullName;
        throw new InvalidOperationException("ModelGen.sln was not found above " + AppContext.BaseDirectory);
    }
}
