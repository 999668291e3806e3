using System.CommandLine;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary><c>evaluate</c>: a saved model's test accuracy and loss, per-digit precision and recall, and confusion matrix.</summary>
public static class EvaluateCommand
{
    /// <summary>The command, printing to <paramref name="console"/> and reporting errors to <paramref name="error"/>.</summary>
    public static Command Create(IAnsiConsole console, TextWriter error)
    {
        Option<string> modelOption = ModelOption.Create();
        var data = new DataOptions();
        var command = new Command("evaluate", "Test a trained model on the MNIST test set: accuracy, loss, per-digit precision and recall, confusion matrix.");
        command.Options.Add(modelOption);
        data.AddTo(command);
        command.SetAction(CommandErrors.Guard(error, async (parseResult, cancellationToken) =>
        {
            // The model first: a wrong path should not wait for a download.
            string modelPath = parseResult.GetValue(modelOption)!;
            var (network, model) = ModelOption.Load(modelPath);
            string folder = await new MnistAcquirer(data.Settings(parseResult), console).AcquireAsync(cancellationToken).ConfigureAwait(false);
            MnistSet test = MnistData.Load(folder).Test;
            Evaluation evaluation = network.CreateEvaluator(model).Evaluate(test);

            console.MarkupLineInterpolated($"Model {Path.GetFullPath(modelPath)} ({network.Name}: {network.Summary}) on {test.Count:N0} test images from {folder}");
            console.MarkupLineInterpolated($"Test accuracy [bold green]{Percent.Format(evaluation.Accuracy)}[/] ({evaluation.Correct:N0} right), loss {evaluation.Loss:F4}");
            EvaluationReport.Print(console, evaluation);
            return 0;
        }));
        return command;
    }
}
