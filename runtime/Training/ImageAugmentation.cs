namespace ModelGen.Training;

/// <summary>
/// Image augmentation applied on the fly to each training batch (never to evaluation), for models whose input is an
/// image, channels-last [height, width, channels]. Each transform is off by default; the ones switched on run in this
/// order on every image: random crop after zero padding, horizontal flip, rotation, translation, random erasing
/// (torchvision's <c>RandomCrop(padding=P)</c>, <c>RandomHorizontalFlip()</c>, <c>RandomAffine(degrees, translate)</c>
/// with nearest-pixel sampling and whole-pixel shifts, <c>RandomErasing()</c>). Set it as <see cref="FitOptions.Augmentation"/>.
/// </summary>
/// <remarks>
/// The draws come from xoshiro256**, reseeded for every batch from <see cref="FitOptions.Seed"/> (XORed with
/// <see cref="ImageAugmenter.AugmentStream"/>, so the stream is apart from the shuffle's and the model's) and the
/// trainer's step number (<see cref="ClassifierTrainer{TWorkspace}.Steps"/>): a batch's augmentation depends only on
/// the seed and the step, so a run resumed at any step draws the same as one never interrupted, with no state to save.
/// </remarks>
public sealed record ImageAugmentation
{
    /// <summary>Random crop: zero padding P on each side, then an H×W crop at a random offset in [0, 2P]² (torchvision's RandomCrop(padding=P)). 0: off.</summary>
    public int CropPadding { get; init; }

    /// <summary>Mirror left to right with probability 0.5. Off by default: digits must not flip.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Shift by a whole number of pixels, each of dy and dx uniform in [-T, T], zero fill. 0: off.</summary>
    public int MaxTranslation { get; init; }

    /// <summary>
    /// Rotate about the image's centre by an angle uniform in [-R, R] degrees (positive: counter-clockwise, as
    /// torchvision), sampling the nearest source pixel (torchvision's default NEAREST), zero fill. 0: off.
    /// </summary>
    public double MaxRotationDegrees { get; init; }

    /// <summary>Random erasing's probability p (torchvision's default 0.5 when used); 0: off.</summary>
    public double ErasingProbability { get; init; }

    /// <summary>Random erasing: the range of the erased area as a fraction of the image (torchvision's (0.02, 0.33)).</summary>
    public (double Min, double Max) ErasingScale { get; init; } = (0.02, 0.33);

    /// <summary>Random erasing: the range of the erased rectangle's aspect ratio h/w, drawn log-uniform (torchvision's (0.3, 3.3)).</summary>
    public (double Min, double Max) ErasingRatio { get; init; } = (0.3, 3.3);

    /// <summary>Random erasing: the value written into the erased rectangle (torchvision's 0).</summary>
    public float ErasingValue { get; init; }

    /// <summary>True when at least one transform is on.</summary>
    public bool IsActive => CropPadding > 0 || HorizontalFlip || MaxTranslation > 0 || MaxRotationDegrees > 0 || ErasingProbability > 0;

    /// <summary>Throws ArgumentException naming the first setting out of range for images of <paramref name="shape"/>, or a shape that is not an image.</summary>
    public void Check(TensorShape shape, string parameterName)
    {
        if (!shape.IsImage)
            throw new ArgumentException($"Image augmentation needs a model whose input is an image [height, width, channels]; this one takes {shape}.", parameterName);
        if (CropPadding < 0) throw new ArgumentOutOfRangeException(parameterName, CropPadding, $"{nameof(CropPadding)} must be 0 or more.");
        if (MaxTranslation < 0 || MaxTranslation >= Math.Max(shape.Height, shape.Width))
            throw new ArgumentOutOfRangeException(parameterName, MaxTranslation, $"{nameof(MaxTranslation)} must be from 0 to less than the image's larger side, {Math.Max(shape.Height, shape.Width)}.");
        if (!(MaxRotationDegrees >= 0 && MaxRotationDegrees <= 180))
            throw new ArgumentOutOfRangeException(parameterName, MaxRotationDegrees, $"{nameof(MaxRotationDegrees)} must be from 0 to 180.");
        if (!(ErasingProbability >= 0 && ErasingProbability <= 1))
            throw new ArgumentOutOfRangeException(parameterName, ErasingProbability, $"{nameof(ErasingProbability)} must be from 0 to 1.");
        if (!(ErasingScale.Min > 0 && ErasingScale.Min <= ErasingScale.Max && ErasingScale.Max <= 1))
            throw new ArgumentOutOfRangeException(parameterName, ErasingScale, $"{nameof(ErasingScale)} must satisfy 0 < min ≤ max ≤ 1.");
        if (!(ErasingRatio.Min > 0 && ErasingRatio.Min <= ErasingRatio.Max && double.IsFinite(ErasingRatio.Max)))
            throw new ArgumentOutOfRangeException(parameterName, ErasingRatio, $"{nameof(ErasingRatio)} must satisfy 0 < min ≤ max.");
        if (!float.IsFinite(ErasingValue)) throw new ArgumentOutOfRangeException(parameterName, ErasingValue, $"{nameof(ErasingValue)} must be finite.");
    }
}

/// <summary>
/// The random draws for one image: what <see cref="ImageAugmenter.Transform"/> does to it. A test can state one
/// by hand and the image it must give.
/// </summary>
/// <param name="CropTop">Row of the crop's top-left corner in the padded image, 0 to 2·padding.</param>
/// <param name="CropLeft">Column of the crop's top-left corner in the padded image, 0 to 2·padding.</param>
/// <param name="Flip">Mirror left to right.</param>
/// <param name="ShiftDown">Translation: rows moved down (negative: up).</param>
/// <param name="ShiftRight">Translation: columns moved right (negative: left).</param>
/// <param name="EraseHeight">Random erasing: the rectangle's rows; 0 erases nothing.</param>
/// <param name="EraseWidth">Random erasing: the rectangle's columns.</param>
/// <param name="EraseTop">Random erasing: the rectangle's first row.</param>
/// <param name="EraseLeft">Random erasing: the rectangle's first column.</param>
/// <param name="RotationDegrees">Rotation about the centre, counter-clockwise in degrees; 0 for none.</param>
public readonly record struct AugmentationDraw(int CropTop, int CropLeft, bool Flip, int ShiftDown, int ShiftRight,
    int EraseHeight, int EraseWidth, int EraseTop, int EraseLeft, double RotationDegrees = 0);
