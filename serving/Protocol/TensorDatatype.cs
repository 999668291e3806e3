namespace ModelGen.Serving.Protocol;

/// <summary>The input datatypes the server accepts (the protocol's names are FP32, UINT8, INT64, BYTES, ...).</summary>
internal enum TensorDatatype
{
    /// <summary>Not given, or one the server does not take.</summary>
    None,

    /// <summary>32-bit floats, passed to the model as they are.</summary>
    Fp32,

    /// <summary>Bytes 0..255 (pixels), divided by the model's Uint8Divisor.</summary>
    Uint8,
}
