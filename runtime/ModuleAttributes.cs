// The kernels' stack buffers (index lists, transposed tiles, padded weights; up to 128 KB) are always
// written before they are read: zeroing them on every call would cost more than some products.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
