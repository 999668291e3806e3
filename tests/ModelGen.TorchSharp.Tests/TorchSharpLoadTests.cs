using ModelGen.Build;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>TorchSharp's native backend loads here (with the GLIBCXX fix where needed) and computes.</summary>
public class TorchSharpLoadTests(ITestOutputHelper output)
{
    [Fact]
    public void TorchSharp_loads_and_multiplies_matrices()
    {
        if (OperatingSystem.IsLinux())
        {
            string? libStdCxx = GlibcxxPatch.FindLibStdCxx(Path.GetDirectoryName(TorchRuntime.OutputLibrary));
            output.WriteLine($"libstdc++: {libStdCxx ?? "(none found)"}, defines {GlibcxxPatch.Version}: {(libStdCxx is null ? "?" : GlibcxxPatch.Defines(libStdCxx))}");
        }
        TorchRuntime.Require();
        using var scope = NewDisposeScope();
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        Tensor product = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]).matmul(tensor(new float[] { 5, 6, 7, 8 }, [2, 2]));
        Assert.Equal(new float[] { 19, 22, 43, 50 }, TorchTwin.Values(product));
        Assert.Equal(TorchRuntime.Threads, get_num_threads());
    }
}
