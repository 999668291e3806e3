using System.Globalization;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelGen.Package.Tests;

/// <summary>The files of the console project that uses the package as a user would.</summary>
public static partial class ConsumerProject
{
    /// <summary>The package source key of the local feed in the consumer's nuget.config.</summary>
    public const string FeedKey = "modelgen-test-feed";

    /// <summary>
    /// References only ModelGen, with warnings as errors and the latest analysis level. Nothing here is
    /// about NativeAOT: the test publishes it with `-p:PublishAot=true`, as a user would.
    /// </summary>
    public const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <AnalysisLevel>latest</AnalysisLevel>
            <!-- A fresh package folder: a cached copy of an earlier build of this version must not be used. -->
            <RestorePackagesPath>packages</RestorePackagesPath>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="ModelGen" Version="0.1.0" />
            <!-- [OnnxModel]: the package's build/ModelGen.targets hands this file to the generator. -->
            <AdditionalFiles Include="models/digits.onnx" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>
    /// The consumer's nuget.config. ModelGen must come from the local feed and nowhere else, but a
    /// NativeAOT publish also needs the compiler and runtime packs (Microsoft.DotNet.ILCompiler and
    /// friends, chosen by the SDK) from a real package source. So the config does not clear the sources it
    /// inherits (the machine's and the user's NuGet configuration: on a fresh machine, the registry that
    /// machine is set up with), adds the local feed, and maps packages to sources: ModelGen only from the
    /// local feed, everything else only from the inherited sources (<paramref name="inheritedSources"/>,
    /// their keys as `dotnet nuget list source` gives them). The feed's pattern is the more specific one,
    /// so NuGet never asks another source for ModelGen. No registry address is written anywhere: each
    /// machine uses the sources it is configured with.
    /// </summary>
    public static string NuGetConfig(IEnumerable<string> inheritedSources)
    {
        var config = new StringBuilder($"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="{FeedKey}" value="../feed" />
              </packageSources>
              <packageSourceMapping>
                <clear />
                <packageSource key="{FeedKey}">
                  <package pattern="ModelGen" />
                </packageSource>

            """);
        foreach (string source in inheritedSources)
            config.Append(CultureInfo.InvariantCulture, $"""
                    <packageSource key="{SecurityElement.Escape(source)}">
                      <package pattern="*" />
                    </packageSource>

                """);
        config.Append("""
              </packageSourceMapping>
            </configuration>

            """);
        return config.ToString();
    }

    /// <summary>The keys of the enabled sources in `dotnet nuget list source --format Detailed` output (in English).</summary>
    public static IReadOnlyList<string> EnabledSources(string listOutput) =>
        [.. SourceLine().Matches(listOutput).Select(match => match.Groups["key"].Value)];

    // "  1.  SomeFeed [Enabled]" (the next line has its address)
    [GeneratedRegex(@"^\s*\d+\.\s+(?<key>.+?)\s+\[Enabled\]\s*$", RegexOptions.Multiline)]
    private static partial Regex SourceLine();

    /// <summary>The ONNX file the consumer imports: PyTorch's export of Keras' MNIST convnet (tests/fixtures/pytorch/convnet.onnx).</summary>
    public const string OnnxFile = "models/digits.onnx";

    /// <summary>
    /// Declares three models and uses most of the package: TrainStep, Save and Load (XOR); Fit and Evaluate
    /// (an MLP on seeded clusters); a convnet with dropout and its ONNX export (seeded bar images); and imports
    /// a trained convnet from an ONNX file at compile time ([OnnxModel]).
    /// </summary>
    public const string Program = """
        using System.Globalization;
        using ModelGen;
        using ModelGen.Training;

        // The NativeAOT binary must print exactly what the JIT build prints, yet their floats are not
        // bit-identical: the JIT uses the widest vectors the CPU has, a default NativeAOT build the x64
        // baseline (128-bit vectors, else the kernels' scalar loops), and sums taken in another order round
        // differently (the last training loss differs around its 9th digit). So this prints only what such
        // rounding cannot change: classes, counts of right answers, file sizes, and losses and
        // probabilities to 2 decimals. Every seed is fixed.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        // XOR, saved and loaded back.
        var xor = new Xor(seed: 1);
        var xorWorkspace = new Xor.Workspace(4);
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        int[] y = [0, 1, 1, 0];
        var adam = new Adam(0.05f);
        for (int i = 0; i < 500; i++) xor.TrainStep(xorWorkspace, x, y, adam);
        xor.Save("xor.safetensors");
        var loaded = new Xor();
        loaded.Load("xor.safetensors");
        var classes = new int[4];
        loaded.PredictClasses(x, classes);
        Console.WriteLine($"xor: classes {string.Join(",", classes)}; {new FileInfo("xor.safetensors").Length} bytes saved; spec {Xor.Spec}");

        // Four clusters in 32 dimensions: Fit and Evaluate.
        var random = new Xoshiro256StarStar(7);
        const int Dimensions = 32, Clusters = 4;
        var centres = new float[Clusters * Dimensions];
        for (int i = 0; i < centres.Length; i++) centres[i] = random.NextSingle() * 2 - 1;
        LabeledData train = Clustered(2000, ref random), test = Clustered(1000, ref random);
        var mlp = new Mlp(seed: 3);
        TrainingHistory history = mlp.Fit(train, new Adam(), epochs: 3, new FitOptions { BatchSize = 32, Seed = 5 });
        EvaluationResult mlpResult = mlp.Evaluate(test);
        var first = new float[Clusters];
        mlp.Predict(test.Inputs.AsSpan(0, Dimensions), first);
        Console.WriteLine($"mlp: {mlpResult.Correct}/{mlpResult.Count} right; loss {history.Epochs[^1].Loss:F2} (training), {mlpResult.Loss:F2} (test); first sample {string.Join(" ", first.Select(p => p.ToString("F2")))}");

        // 8x8 images of a horizontal or a vertical bar in noise: a convnet with dropout, and its ONNX export.
        LabeledData barsTrain = Bars(1000, ref random), barsTest = Bars(500, ref random);
        var convnet = new BarNet(seed: 11);
        convnet.Fit(barsTrain, new Adam(0.01f), epochs: 3, new FitOptions { BatchSize = 32, Seed = 13 });
        EvaluationResult convResult = convnet.Evaluate(barsTest);
        convnet.ExportOnnx("bars.onnx");
        Console.WriteLine($"convnet: {convResult.Correct}/{convResult.Count} right; loss {convResult.Loss:F2} (test); {new FileInfo("bars.onnx").Length} bytes of ONNX");

        // A convnet trained with PyTorch, imported from models/digits.onnx when this program was compiled: its
        // weights are in the program, so no .onnx file is read here. Input [1, 28, 28] channels-first, as the file declares.
        var digits = new Digits();
        var image = new float[Digits.InputSize];
        for (int i = 0; i < image.Length; i++) image[i] = (i % 29) / 28f;
        var probabilities = new float[Digits.OutputSize];
        digits.Predict(image, probabilities);
        Console.WriteLine($"imported: {Digits.ParameterCount} parameters; class {digits.PredictClass(image)}; probability {probabilities.Max():F2}");

        LabeledData Clustered(int count, ref Xoshiro256StarStar random)
        {
            var inputs = new float[count * Dimensions];
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = random.NextInt32(Clusters);
                for (int d = 0; d < Dimensions; d++)
                    inputs[i * Dimensions + d] = centres[labels[i] * Dimensions + d] + (random.NextSingle() - 0.5f) * 2.4f;
            }
            return new LabeledData(inputs, labels, Dimensions);
        }

        static LabeledData Bars(int count, ref Xoshiro256StarStar random)
        {
            var inputs = new float[count * 64];
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = random.NextInt32(2);
                int line = random.NextInt32(8);
                for (int p = 0; p < 64; p++)
                    inputs[i * 64 + p] = random.NextSingle() * 0.5f + ((labels[i] == 0 ? p / 8 : p % 8) == line ? 1 : 0);
            }
            return new LabeledData(inputs, labels, 64);
        }

        [Model, Input(2), Dense(8, Activation.Tanh), Dense(2, Activation.Softmax)]
        public partial class Xor;

        [Model, Input(32), Dense(64, Activation.ReLU), Dense(4, Activation.Softmax)]
        public partial class Mlp;

        [Model, Input(8, 8, 1), Conv2D(8, 3, Activation.ReLU), MaxPool2D(2), Flatten, Dropout(0.25), Dense(2, Activation.Softmax)]
        public partial class BarNet;

        [OnnxModel("models/digits.onnx")]
        public partial class Digits;
        """;
}
