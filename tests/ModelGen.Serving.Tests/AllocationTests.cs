using ModelGen.Serving.Http;
using ModelGen.Serving.Protocol;
using ModelGen.Serving.Tests.Harness;
using ModelGen.Serving.Tests.Models;
using System.Text;

namespace ModelGen.Serving.Tests;

/// <summary>
/// A valid request's whole path inside the server, from the body's bytes to the answer's (read, check, parse the
/// data, run the model in a pooled workspace, write), allocates nothing once the pools are warm. Kestrel's and
/// ASP.NET Core's own allocations per request are outside it; the load benchmark reports the whole figure.
/// </summary>
public sealed class AllocationTests
{
    [Fact]
    public void AnMlpRequestAllocatesNothing()
    {
        var model = new TinyMlp(seed: 2);
        float[] inputs = ModelFiles.RandomInputs(4, 6, seed: 1);
        Assert.Equal(0, BytesPerCall(VersionOf(model, new GeneratedModelBackend<TinyMlp.Workspace>(model, 2, 4)),
            Requests.Tensor("FP32", Requests.Rows(inputs, 6), [4, 6]).Insert(1, "\"id\":\"request-1\",")));
    }

    [Fact]
    public void AConvNetRequestOfUint8PixelsAllocatesNothing()
    {
        var model = new TinyConvNet(seed: 2);
        string pixels = "[" + string.Join(",", Enumerable.Range(0, 3 * 36).Select(i => i * 7 % 256)) + "]";
        Assert.Equal(0, BytesPerCall(VersionOf(model, new GeneratedModelBackend<TinyConvNet.Workspace>(model, 2, 4)),
            Requests.Tensor("UINT8", pixels, [3, 6, 6, 1], extra: ",\"outputs\":[{\"name\":\"class\"}]")));
    }

    private static ModelVersion VersionOf(IModel model, IInferenceBackend backend) =>
        new(1, backend, stamp: null, new ModelSignature("m", new ServedModelOptions(), backend));

    private static long BytesPerCall(ModelVersion version, string request)
    {
        byte[] body = Encoding.UTF8.GetBytes(request);
        using var answer = new PooledBufferWriter();
        for (int warm = 0; warm < 3; warm++)
        {
            answer.Clear();
            InferenceCall.Execute(body, version, answer);
        }
        Assert.Contains("\"outputs\"", Encoding.UTF8.GetString(answer.WrittenMemory.Span), StringComparison.Ordinal);
        const int calls = 100;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            answer.Clear();
            InferenceCall.Execute(body, version, answer);
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
