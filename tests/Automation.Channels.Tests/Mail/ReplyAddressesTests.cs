using Automation.Channels.Mail;

namespace Automation.Channels.Tests.Mail;

public sealed class ReplyAddressesTests
{
    private static readonly ReplyAddresses Replies = new(new ReplyAddressOptions { Domain = "replies.shop.test", Secret = "0123456789abcdef-secret" });

    [Fact]
    public void Reply_address_names_the_order_and_reads_back_to_it_in_any_case()
    {
        var address = Replies.For(42);

        Assert.Matches(@"^reply\+o42-[a-z2-7]{10}@replies\.shop\.test$", address);
        Assert.Equal(42, Replies.OrderOf(address));
        Assert.Equal(42, Replies.OrderOf(address.ToUpperInvariant()));
    }

    [Fact]
    public void Address_with_a_forged_signature_another_domain_or_no_token_names_no_order()
    {
        var genuine = Replies.For(42);
        var forged = genuine.Replace("o42-", "o43-", StringComparison.Ordinal);

        Assert.Null(Replies.OrderOf(forged));
        Assert.Null(Replies.OrderOf(genuine.Replace("replies.shop.test", "evil.test", StringComparison.Ordinal)));
        Assert.Null(Replies.OrderOf("reply@replies.shop.test"));
        Assert.Null(Replies.OrderOf("not an address"));
        Assert.Equal(42, Replies.OrderOf(["someone@else.test", genuine]));
    }

    [Fact]
    public void Signature_depends_on_the_secret()
    {
        var other = new ReplyAddresses(new ReplyAddressOptions { Domain = "replies.shop.test", Secret = "another-secret-of-16+" });

        Assert.Null(other.OrderOf(Replies.For(42)));
    }
}
