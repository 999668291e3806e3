using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>Temporary model files of the test models, trained for a few steps on made-up data so each seed gives a model of its own.</summary>
public sealed class ModelFiles : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("modelgen-serving-");

    /// <summary>A path in the temporary folder.</summary>
    public string PathOf(string name) => Path.Combine(_folder.FullName, name);

    /// <summary>A TinyMlp from <paramref name="seed"/>, trained for 20 steps, saved to <paramref name="name"/>.</summary>
    public (TinyMlp Model, string Path) TinyMlp(ulong seed, string name = "tiny.safetensors")
    {
        var model = new TinyMlp(seed);
        Train(model, model.CreateWorkspace(8), seed);
        string path = PathOf(name);
        model.Save(path);
        return (model, path);
    }

    /// <summary>Made-up batches of 8: labels from the inputs, so the steps learn something.</summary>
    public static void Train<TWorkspace>(IClassifier<TWorkspace> model, TWorkspace workspace, ulong seed, int steps = 20) where TWorkspace : IWorkspace
    {
        var random = new Random((int)seed);
        var inputs = new float[8 * model.InputSize];
        var labels = new int[8];
        var optimizer = new Adam(0.01f);
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
            for (int s = 0; s < 8; s++) labels[s] = (int)(inputs[s * model.InputSize] * model.OutputSize) % model.OutputSize;
            model.TrainStep(workspace, inputs, labels, optimizer);
        }
    }

    /// <summary>Inputs of <paramref name="samples"/> × <paramref name="size"/> values in 0..1 from <paramref name="seed"/>.</summary>
    public static float[] RandomInputs(int samples, int size, int seed)
    {
        var random = new Random(seed);
        var values = new float[samples * size];
        for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble();
        return values;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder.FullName)) _folder.Delete(recursive: true);
    }
}
