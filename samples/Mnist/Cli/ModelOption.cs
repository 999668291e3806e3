using System.CommandLine;
using ModelGen.Samples.Mnist.Output;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>--model FILE for evaluate and predict, defaulting to where train writes its model.</summary>
public static class ModelOption
{
    /// <summary>Where <c>train</c> writes by default, relative to the current folder.</summary>
    public const string DefaultOutputFolder = "mnist-output";

    /// <summary>A new --model option.</summary>
    public static Option<string> Create() => new("--model", "-m")
    {
        Description = "The trained model (a safetensors file written by train).",
        HelpName = "FILE",
        DefaultValueFactory = _ => Path.Combine(DefaultOutputFolder, TrainingOutputs.ModelFile),
    };

    /// <summary>Reads the model at <paramref name="path"/>; a missing or wrong file is a ModelFileException.</summary>
    public static MnistMlp Load(string path)
    {
        var model = new MnistMlp();
        model.Load(path);
        return model;
    }
}
