using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests;

/// <summary>Versions of a served model: numbered in load order, and a model of another shape refused.</summary>
public sealed class ServedModelTests
{
    [Fact]
    public void VersionsCountUpAndAModelOfAnotherShapeIsRefused()
    {
        using ServiceProvider services = new ServiceCollection().AddMetrics().AddSingleton<ServingMetrics>().BuildServiceProvider();
        var backends = new Queue<IInferenceBackend>([
            new GeneratedModelBackend<TinyMlp.Workspace>(new TinyMlp(seed: 1), 1, 4),
            new GeneratedModelBackend<TinyMlp.Workspace>(new TinyMlp(seed: 2), 1, 4),
            new GeneratedModelBackend<TinyRegressor.Workspace>(new TinyRegressor(seed: 1), 1, 4),
        ]);
        var model = new ServedModel("tiny", new ServedModelOptions(), _ => backends.Dequeue(), 1, NullLogger.Instance, services.GetRequiredService<ServingMetrics>());
        Assert.Null(model.Current);
        Assert.Equal(1, model.Reload().Number);
        ModelVersion second = model.Reload();
        Assert.Equal(2, second.Number);
        Assert.Equal("2", second.Label);
        var refused = Assert.Throws<InvalidDataException>(model.Reload);
        Assert.Equal("the file's network takes [3] and gives 2 outputs, where the served one takes [6] and gives 3", refused.Message);
        Assert.Same(second, model.Current);
    }

    [Fact]
    public void AWorkspaceIsMadeOnlyWhenAllAreInUse()
    {
        var backend = new GeneratedModelBackend<TinyMlp.Workspace>(new TinyMlp(seed: 1), 4, 64);
        var outputs = new float[3];
        for (int i = 0; i < 10; i++) backend.Run(new float[6], outputs);
        Assert.Equal(1, backend.WorkspacesCreated);
    }

    [Theory]
    [InlineData(64, 64)] // 6 + 8 + 3 + 3 floats a sample: the whole batch fits the cache budget
    [InlineData(3, 3)]
    [InlineData(5, 4)]   // whole row groups of four
    public void AnMlpsWorkspaceHoldsTheLargestBatchThatFitsTheCache(int maxBatch, int capacity) =>
        Assert.Equal(capacity, new GeneratedModelBackend<TinyMlp.Workspace>(new TinyMlp(), 1, maxBatch).WorkspaceCapacity);
}
