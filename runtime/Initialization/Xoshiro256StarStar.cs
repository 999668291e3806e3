namespace ModelGen;

/// <summary>
/// The xoshiro256** generator (Blackman and Vigna, 2018), seeded through SplitMix64.
/// Implemented here rather than using <see cref="System.Random"/>, whose sequence for a given seed
/// is not a documented contract across .NET versions: a ModelGen seed means the same numbers everywhere.
/// </summary>
public struct Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose whole state is derived from <paramref name="seed"/>.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        // SplitMix64 expands one 64-bit seed into the 256-bit state, as the authors recommend;
        // it never produces the all-zero state.
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>Words in the generator's state, as <see cref="GetState"/> writes them.</summary>
    public const int StateWords = 4;

    /// <summary>
    /// Writes the generator's whole state (<see cref="StateWords"/> words) into <paramref name="state"/>: what a
    /// checkpoint saves so that a resumed run draws the same numbers as one that never stopped.
    /// </summary>
    public readonly void GetState(Span<ulong> state)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(state.Length, StateWords, nameof(state));
        state[0] = _s0;
        state[1] = _s1;
        state[2] = _s2;
        state[3] = _s3;
    }

    /// <summary>A generator that continues from a state <see cref="GetState"/> wrote.</summary>
    /// <exception cref="ArgumentException">The state is not <see cref="StateWords"/> words, or is all zeros (a state xoshiro never reaches).</exception>
    public static Xoshiro256StarStar FromState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != StateWords) throw new ArgumentException($"A xoshiro256** state is {StateWords} words, not {state.Length}.", nameof(state));
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("An all-zero state is not one xoshiro256** reaches.", nameof(state));
        var random = default(Xoshiro256StarStar);
        random._s0 = state[0];
        random._s1 = state[1];
        random._s2 = state[2];
        random._s3 = state[3];
        return random;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1): the top 24 bits scaled by 2^-24, so every value is exact.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A double uniform in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer uniform in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt32(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        ulong range = (ulong)exclusiveMax;
        UInt128 m = (UInt128)NextUInt64() * range;
        ulong low = (ulong)m;
        if (low < range)
        {
            ulong threshold = (0UL - range) % range;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * range;
                low = (ulong)m;
            }
        }
        return (int)(m >> 64);
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates), deterministically for a given state.</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
