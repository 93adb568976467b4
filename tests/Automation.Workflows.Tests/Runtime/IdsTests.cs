using Automation.Workflows.Runtime;

namespace Automation.Workflows.Tests.Runtime;

public sealed class IdsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_id_is_22_url_safe_characters()
    {
        var id = Ids.New();

        Assert.Equal(Ids.Length, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' in {id}"));
    }

    [Theory]
    [InlineData(1)]          // the last character of the time moves
    [InlineData(63)]
    [InlineData(64)]         // a carry into the next character
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(86_400_000)] // a day
    public void An_id_made_later_sorts_after_one_made_earlier_whatever_their_random_parts(long laterByMilliseconds)
    {
        var later = Start.AddMilliseconds(laterByMilliseconds);

        for (var i = 0; i < 200; i++)
            Assert.True(string.CompareOrdinal(Ids.New(Start), Ids.New(later)) < 0);
    }

    [Fact]
    public void Ids_made_in_the_same_millisecond_differ_and_carry_84_random_bits()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => Ids.New(Start)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Single(ids.Select(id => id[..8]).Distinct(StringComparer.Ordinal)); // the time, the same for all
        // Every random position takes all 64 characters: none is a constant or padding.
        for (var position = 8; position < Ids.Length; position++)
            Assert.Equal(64, ids.Select(id => id[position]).Distinct().Count());
    }

    [Fact]
    public void Ids_made_one_after_another_by_the_clock_sort_in_that_order()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(Ids.New());
            Thread.Sleep(2); // ids of the same millisecond are in no particular order
        }

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }
}
