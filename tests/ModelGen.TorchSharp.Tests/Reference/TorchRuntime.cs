using ModelGen.Build;
using TorchSharp;
using Xunit.Sdk;

namespace ModelGen.ReferenceTests;

/// <summary>
/// Loads TorchSharp's native backend once, single-threaded for reproducible sums. Every test that uses
/// TorchSharp calls <see cref="Require"/> first, so a machine where it cannot load fails those tests
/// with a message saying what is missing; nothing is skipped.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The README section that explains the load fix.</summary>
    public const string ReadmeSection = "README, section \"TorchSharp on Linux distributions older than GCC 13\"";

    /// <summary>Intra-op threads libtorch may use: one, so its reductions run in a fixed order.</summary>
    public const int Threads = 1;

    private static readonly Lazy<string?> s_failure = new(Load);

    /// <summary>Fails the calling test unless TorchSharp is loaded and working.</summary>
    public static void Require()
    {
        if (s_failure.Value is { } failure) throw new XunitException(failure);
    }

    /// <summary>Where the build put libLibTorchSharp.so for this test assembly.</summary>
    public static string OutputLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string? Load()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            torch.set_num_threads(Threads);
            using torch.Tensor probe = torch.ones(2, 2).matmul(torch.ones(2, 2));
            if (probe.sum().item<float>() != 8f) return "TorchSharp loaded but computed ones(2,2)·ones(2,2) wrongly.";
            return null;
        }
        catch (Exception e)
        {
            // The loader's own words ("version `GLIBCXX_3.4.32' not found" and the like) are in the innermost exception.
            Exception inner = e;
            while (inner.InnerException is not null) inner = inner.InnerException;
            return "TorchSharp (libtorch) could not be loaded, so the reference tests cannot run: " + e.GetType().Name + ": " + e.Message
                + (inner == e ? "" : " ← " + inner.GetType().Name + ": " + inner.Message)
                + Environment.NewLine + Diagnose()
                + Environment.NewLine + "See " + ReadmeSection + ".";
        }
    }

    // Says which part of the GLIBCXX fix is missing, if that is the cause.
    private static string Diagnose()
    {
        if (!OperatingSystem.IsLinux()) return "(Not Linux: the GLIBCXX fix does not apply here.)";
        string library = OutputLibrary;
        if (!File.Exists(library)) return "Missing: " + library + " (TorchSharp's native files were not copied to the test output; rebuild).";
        try
        {
            VersionNeed need = GlibcxxPatch.FindRequirement(ElfFile.Read(library), library);
            string? libStdCxx = GlibcxxPatch.FindLibStdCxx(Path.GetDirectoryName(library));
            if (libStdCxx is null) return "Missing: libstdc++.so.6 (install the distribution's libstdc++ package).";
            bool has = GlibcxxPatch.Defines(libStdCxx);
            if (!has && !need.IsWeak)
                return "Missing: " + GlibcxxPatch.Version + " in " + libStdCxx + ", and " + library
                    + " still requires it strongly: the build step PatchLibTorchSharpForOldLibStdCxx (build/PatchLibTorchSharp.targets) did not run or did not patch it.";
            return libStdCxx + (has ? " provides " : " lacks ") + GlibcxxPatch.Version + "; " + library + " requires it "
                + (need.IsWeak ? "weakly (patched)" : "strongly") + ", so the cause is something else (libtorch_cpu.so and its dependencies must be next to it).";
        }
        catch (Exception e) when (e is ElfLayoutException or IOException)
        {
            return "Could not inspect " + library + ": " + e.Message;
        }
    }
}
