namespace ModelGen;

/// <summary>How a convolution or pooling window treats the image border (Keras' <c>padding</c>).</summary>
/// <remarks>The numeric values are part of the generator's contract: do not reorder.</remarks>
public enum Padding
{
    /// <summary>No padding: the window stays inside the image, so the output shrinks by the window size − 1.</summary>
    Valid = 0,

    /// <summary>
    /// Pads so the output has ceil(input / stride) rows and columns. When the total padding is odd, the
    /// extra row or column goes at the bottom or right, as in Keras and TensorFlow. Convolutions pad with
    /// zeros; max pooling ignores the padded positions.
    /// </summary>
    Same = 1,
}
