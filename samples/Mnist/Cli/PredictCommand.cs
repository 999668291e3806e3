using System.CommandLine;
using System.Globalization;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Imaging;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary><c>predict</c>: classifies the user's own images, or test image N, with a saved model.</summary>
public static class PredictCommand
{
    private const int TopCount = 3;

    /// <summary>The command, printing to <paramref name="console"/> and reporting errors to <paramref name="error"/>.</summary>
    public static Command Create(IAnsiConsole console, TextWriter error)
    {
        Option<string> modelOption = ModelOption.Create();
        var images = new Argument<string[]>("IMAGE")
        {
            Description = "PNG or JPEG images of one digit each, any size, dark on light or light on dark.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var indices = new Option<int[]>("--index")
        {
            Description = "Also classify test image N (0-based) of MNIST (repeatable).",
            HelpName = "N",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var data = new DataOptions();
        var command = new Command("predict", "Classify images with a trained model; they are prepared the way MNIST's digits were.");
        command.Options.Add(modelOption);
        command.Arguments.Add(images);
        command.Options.Add(indices);
        data.AddTo(command);
        indices.CustomParser = OptionValues.WholeNumbers(0);
        command.Validators.Add(r =>
        {
            if (r.GetResult(images) is not { Tokens.Count: > 0 } && r.GetResult(indices) is null)
                r.AddError("Name at least one IMAGE, or a test image with --index N.");
        });

        command.SetAction(CommandErrors.Guard(error, async (parseResult, cancellationToken) =>
        {
            // The model first: without it nothing can be classified, which is one error for the whole command.
            IClassifier model = ModelOption.Load(parseResult.GetValue(modelOption)!).Model;
            var table = new Table().AddColumns("Image", "Digit", "Probabilities (top 3)");
            var probabilities = new float[model.OutputSize];
            // Each image gets its own row or its own error line: one bad file does not hide the others' results.
            int failed = 0;
            async Task Fail(string message)
            {
                failed++;
                await error.WriteLineAsync("error: " + message).ConfigureAwait(false);
            }

            foreach (string path in parseResult.GetValue(images) ?? [])
            {
                cancellationToken.ThrowIfCancellationRequested();
                float[] input;
                try
                {
                    input = DigitPreprocessor.Preprocess(ImageFileReader.Read(path), path);
                }
                catch (SampleException e)
                {
                    await Fail(e.Message).ConfigureAwait(false);
                    continue;
                }
                model.Predict(input, probabilities);
                table.AddRow(Markup.Escape(path), Digit(probabilities), Top(probabilities));
            }

            int[] testImages = parseResult.GetValue(indices) ?? [];
            if (testImages.Length > 0)
            {
                string folder = await new MnistAcquirer(data.Settings(parseResult), console).AcquireAsync(cancellationToken).ConfigureAwait(false);
                MnistSet test = MnistData.Load(folder).Test;
                foreach (int n in testImages)
                {
                    if (n >= test.Count)
                    {
                        await Fail($"--index {n}: the test set has {test.Count} images (0 to {test.Count - 1}).").ConfigureAwait(false);
                        continue;
                    }
                    model.Predict(test.Image(n), probabilities);
                    table.AddRow($"test image {n} (label {test.Labels[n]})", Digit(probabilities), Top(probabilities));
                }
            }

            if (table.Rows.Count > 0) console.Write(table);
            return failed == 0 ? 0 : table.Rows.Count == 0 ? CommandErrors.Failure : CommandErrors.PartialFailure;
        }));
        return command;
    }

    private static string Digit(float[] probabilities) => $"[bold]{Batch.ArgMax(probabilities)}[/]";

    private static string Top(float[] probabilities) => string.Join("   ",
        Enumerable.Range(0, probabilities.Length)
            .OrderByDescending(d => probabilities[d]).ThenBy(d => d)
            .Take(TopCount)
            .Select(d => $"{d}: {Percent.Format(probabilities[d], 1)}"));
}
