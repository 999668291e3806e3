using System.Text.Json.Serialization;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>
/// One epoch's figures: the running training loss and accuracy, the test results, and the time taken; with
/// <c>--validation-split</c>, the validation set's too (left out of metrics.json without one, which then reads as before).
/// </summary>
/// <param name="Seconds">The training pass alone.</param>
/// <param name="EvaluationSeconds">The pass over the test set after it.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="ValidationLoss">The mean loss on the held-out validation images; null without a validation split.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation images; null without a validation split.</param>
/// <param name="ValidationSeconds">The pass over the validation images; null without a validation split.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double Seconds, double EvaluationSeconds, double LearningRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValidationLoss = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValidationAccuracy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValidationSeconds = null);

/// <summary>Early stopping's settings (<c>--early-stopping</c>, <c>--monitor</c>, <c>--min-delta</c>), in metrics.json's hyper-parameters.</summary>
/// <param name="Monitor">val_loss or val_accuracy, as Keras names them.</param>
/// <param name="Patience">Epochs without improvement before stopping.</param>
/// <param name="MinDelta">The least change that counts as an improvement.</param>
/// <param name="RestoreBestWeights">Always true here: the model file holds the best epoch's weights.</param>
public sealed record EarlyStoppingSettings(string Monitor, int Patience, double MinDelta, bool RestoreBestWeights);

/// <summary>What early stopping did: metrics.json's <c>earlyStopping</c>.</summary>
/// <param name="BestEpoch">The epoch with the best monitored figure.</param>
/// <param name="BestValue">That figure.</param>
/// <param name="StoppedEpoch">The epoch after which training stopped; null when it ran every epoch asked for.</param>
/// <param name="RestoredEpoch">The epoch whose weights model.safetensors holds (and the test figures are of): the best one.</param>
/// <param name="StopReason">Why training stopped early, in words; null when it did not.</param>
public sealed record EarlyStoppingResult(int BestEpoch, double BestValue, int? StoppedEpoch, int RestoredEpoch, string? StopReason);

/// <summary>Every hyper-parameter of a run, so that metrics.json alone says how to repeat it.</summary>
/// <param name="LearningRate">The rate of a constant schedule; the peak of the others (step decay's first rate).</param>
/// <param name="Schedule">How the learning rate moves over the run.</param>
/// <param name="WeightDecay">SGD's L2 or AdamW's decoupled weight decay; 0 for none.</param>
/// <param name="WeightDecayApplies">Which parameters decay (null without decay).</param>
/// <param name="Momentum">SGD's momentum μ at the start (one-cycle then cycles it); null for Adam and AdamW.</param>
/// <param name="Nesterov">Whether SGD uses Nesterov momentum.</param>
/// <param name="ClipNorm">The max norm gradients are clipped to, by their global norm (PyTorch's clip_grad_norm_); null for none.</param>
/// <param name="LabelSmoothing">ε of the training loss's label smoothing; 0 for none.</param>
/// <param name="Augmentation">The augmentation of the training batches; null without one.</param>
/// <param name="ValidationSplit">The fraction of the training images held out for validation (the last ones); left out without a split.</param>
/// <param name="EarlyStopping">Early stopping's settings; left out without it.</param>
public sealed record Hyperparameters(int Epochs, int BatchSize, double LearningRate, string Optimizer, ulong Seed,
    string Loss, string Initialization, string Shuffle, ScheduleSettings Schedule, double WeightDecay, string? WeightDecayApplies,
    double? Momentum, bool Nesterov, double? ClipNorm, double LabelSmoothing, AugmentationSettings? Augmentation = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValidationSplit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EarlyStoppingSettings? EarlyStopping = null);

/// <summary>The augmentation of the training batches (never of the test set), as the command line gave it.</summary>
/// <param name="CropPadding">--crop-padding: zero padding before the random crop; 0 for none.</param>
/// <param name="Flip">--flip: horizontal flip with probability 0.5.</param>
/// <param name="Translate">--translate: the largest shift in whole pixels; 0 for none.</param>
/// <param name="Rotate">--rotate: the largest rotation in degrees; 0 for none.</param>
/// <param name="Erase">--erase: random erasing's probability; 0 for none.</param>
/// <param name="Description">The transforms in words, with random erasing's scale, ratio and value.</param>
public sealed record AugmentationSettings(int CropPadding, bool Flip, int Translate, double Rotate, double Erase, string Description);

/// <summary>The learning-rate schedule of a run; the settings that do not apply to its kind are null.</summary>
/// <param name="Kind">constant, step, cosine or onecycle.</param>
/// <param name="WarmupEpochs">Cosine: epochs of linear warm-up from 1 % of the peak.</param>
/// <param name="StepEvery">Step: epochs between two decays.</param>
/// <param name="Gamma">Step: the factor of each decay.</param>
/// <param name="MinLearningRate">Cosine: the rate it anneals towards.</param>
/// <param name="Description">The schedule in words, with the one-cycle rates and momenta.</param>
public sealed record ScheduleSettings(string Kind, int? WarmupEpochs, int? StepEvery, double? Gamma, double? MinLearningRate, string Description);

/// <summary>Where the data came from and how much of it there was.</summary>
/// <param name="TrainImages">The images trained on (without the validation images, when some are held out).</param>
/// <param name="ValidationImages">The last training images, held out for validation; left out without a validation split.</param>
public sealed record DataSummary(string Folder, int TrainImages, int TestImages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ValidationImages = null);

/// <summary>What metrics.json holds: the final test results, the history, the timings, the recipe and, with early stopping, what it did.</summary>
/// <param name="Network">The --network name: mlp or cnn.</param>
/// <param name="Model">The generated model's class name.</param>
/// <param name="Spec">The model's spec, as saved in the model file.</param>
/// <param name="TestAccuracy">The saved model's: the last epoch's, or with early stopping the best epoch's, whose weights were restored.</param>
/// <param name="EarlyStopping">What early stopping did; left out without it.</param>
public sealed record TrainingMetrics(
    string Network,
    string Model,
    string Spec,
    int ParameterCount,
    Hyperparameters Hyperparameters,
    DataSummary Data,
    double TestAccuracy,
    double TestLoss,
    double TotalSeconds,
    IReadOnlyList<EpochMetrics> History,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EarlyStoppingResult? EarlyStopping = null);
