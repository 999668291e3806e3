using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>One element-wise step d ← f(y, d, s), defined once for every vector width.</summary>
internal interface IElementMap
{
    static abstract TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct;
}

/// <summary>
/// Runs an <see cref="IElementMap"/> over spans at the machine's widest vector, the tail with the same
/// map on single floats, so every element gets the same operations in the same order.
/// </summary>
/// <remarks>
/// Used for the activations' backward passes and LeakyReLU, which TensorPrimitives has no single call
/// for: composing them from several TensorPrimitives calls would read and write the data several times.
/// Long spans (a ResNet layer's gradient over a batch) are split across the cores in chunks of whole blocks
/// of <see cref="ParallelAlign"/> floats, a multiple of every vector width: each element then falls in the same
/// vector, or the same scalar tail, as on one core, so the bits do not depend on the thread count.
/// </remarks>
internal static unsafe class ElementWise
{
    /// <summary>Spans of at least this many floats are split across the cores: below it, waking a worker costs more than it saves.</summary>
    internal const int ParallelValues = 1 << 18;

    /// <summary>Chunk boundaries fall on multiples of this many floats (the widest vector's), so chunks cut no vector.</summary>
    internal const int ParallelAlign = 16;

    /// <summary>Whether a pass over <paramref name="length"/> floats goes to the worker pool.</summary>
    internal static bool Parallel(int length) => Kernels.AllowParallel && length >= ParallelValues;

    /// <summary>deltas[i] ← f(outputs[i], deltas[i], s) for i in [0, deltas.Length); outputs may be deltas itself. (The names are the backward passes'; optimizers pass gradients and parameters.)</summary>
    public static void Map<TMap>(ReadOnlySpan<float> outputs, Span<float> deltas, float s) where TMap : struct, IElementMap =>
        Map<TMap>(outputs, deltas, deltas, s); // each element is read before it is written, so target may be deltas

    /// <summary>target[i] = f(outputs[i], deltas[i], s) for i in [0, deltas.Length): <see cref="Map{TMap}(ReadOnlySpan{float}, Span{float}, float)"/> into another span (target may be deltas).</summary>
    public static void Map<TMap>(ReadOnlySpan<float> outputs, ReadOnlySpan<float> deltas, Span<float> target, float s) where TMap : struct, IElementMap
    {
        if (outputs.Length < deltas.Length) throw new ArgumentException("outputs is shorter than deltas.", nameof(outputs));
        if (target.Length < deltas.Length) throw new ArgumentException("target is shorter than deltas.", nameof(target));
        if (Parallel(deltas.Length))
        {
            fixed (float* py = outputs, pd = deltas, pt = target)
            {
                var args = new KernelArgs { A = py, B = pd, C = pt, Length = deltas.Length, S0 = s };
                WorkerPool.Run(&MapPart<TMap>, ref args, true);
            }
            return;
        }
        MapSerial<TMap>(outputs, deltas, target, s);
    }

    // A chunk's blocks: target = f(outputs, deltas) over its range.
    private static void MapPart<TMap>(ref KernelArgs a, int chunk, int chunks) where TMap : struct, IElementMap
    {
        var (first, end) = WorkerPool.Range(a.Length, chunk, chunks, ParallelAlign);
        if (first >= end) return;
        int n = end - first;
        MapSerial<TMap>(new ReadOnlySpan<float>(a.A + first, n), new ReadOnlySpan<float>(a.B + first, n), new Span<float>(a.C + first, n), a.S0);
    }

    private static void MapSerial<TMap>(ReadOnlySpan<float> outputs, ReadOnlySpan<float> deltas, Span<float> target, float s) where TMap : struct, IElementMap
    {
        if (Vector512.IsHardwareAccelerated) Map<TMap, Ops512, Vector512<float>>(outputs, deltas, target, s);
        else if (Vector256.IsHardwareAccelerated) Map<TMap, Ops256, Vector256<float>>(outputs, deltas, target, s);
        else if (Vector128.IsHardwareAccelerated) Map<TMap, Ops128, Vector128<float>>(outputs, deltas, target, s);
        else Map<TMap, OpsScalar, float>(outputs, deltas, target, s);
    }

    private static void Map<TMap, TOps, TVec>(ReadOnlySpan<float> y, ReadOnlySpan<float> d, Span<float> target, float s)
        where TMap : struct, IElementMap where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float tr = ref MemoryMarshal.GetReference(target);
        int n = d.Length, i = 0, lanes = TOps.Count;
        TVec vs = TOps.Broadcast(s);
        for (; i <= n - lanes; i += lanes)
            TOps.Store(TMap.Apply<TOps, TVec>(TOps.Load(ref yr, (nuint)i), TOps.Load(ref dr, (nuint)i), vs), ref tr, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref tr, i) = TMap.Apply<OpsScalar, float>(Unsafe.Add(ref yr, i), Unsafe.Add(ref dr, i), s);
    }

}
