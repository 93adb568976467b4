using System.Text;
using Automation.Channels.MailListener;
using Automation.Channels.Tests.Support;

namespace Automation.Channels.Tests.MailListener;

public sealed class SmtpListenerProtocolTests
{
    [Fact]
    public async Task Greeting_and_ehlo_advertise_pipelining_8bitmime_and_the_size_limit()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { DomainName = "mx.test", MaxMessageBytes = 50_000 });
        await using var smtp = await harness.ConnectAsync();

        Assert.StartsWith("220 mx.test ESMTP", await smtp.ReplyAsync());
        await smtp.SendAsync("EHLO client.test\r\n");
        var ehlo = (await smtp.ReplyAsync())!.Split('\n');

        Assert.Equal("250-mx.test greets client.test", ehlo[0]);
        Assert.Contains("250-PIPELINING", ehlo);
        Assert.Contains("250-8BITMIME", ehlo);
        Assert.Contains("250-SIZE 50000", ehlo);
        Assert.StartsWith("250 ", ehlo[^1]);
        Assert.Equal("250", await smtp.CommandAsync("HELO client.test"));
    }

    [Fact]
    public async Task Pipelined_transaction_gets_every_reply_in_order_and_the_message_is_dot_unstuffed()
    {
        await using var harness = await ListenerHarness.StartAsync();
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();

        await smtp.SendAsync("EHLO c\r\nMAIL FROM:<ann@example.com> BODY=8BITMIME SIZE=120\r\nRCPT TO:<shop@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
        var replies = new List<string?>();
        for (var i = 0; i < 5; i++) replies.Add((await smtp.ReplyAsync())?.Split('\n')[^1][..3]);
        await smtp.SendAsync("Subject: dots\r\n\r\n..starts with a dot\r\n.\r\n");

        Assert.Equal(["250", "250", "250", "250", "354"], replies);
        Assert.StartsWith("250 2.0.0 Ok: queued as Q1", await smtp.ReplyAsync());
        var mail = Assert.Single(harness.Received);
        Assert.Equal(("c", "ann@example.com"), (mail.Helo, mail.MailFrom));
        Assert.Equal(["shop@example.com", "b@example.com"], mail.Recipients);
        Assert.Equal("Subject: dots\r\n\r\n.starts with a dot\r\n", Encoding.ASCII.GetString(mail.Raw));
        Assert.Equal("127.0.0.1", mail.RemoteAddress);
        Assert.Equal("221", await smtp.CommandAsync("QUIT"));
        Assert.True(await smtp.ClosedAsync());
    }

    [Fact]
    public async Task Commands_out_of_sequence_get_503_and_the_session_goes_on()
    {
        await using var harness = await ListenerHarness.StartAsync();
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();

        Assert.Equal("503", await smtp.CommandAsync("MAIL FROM:<a@x.org>")); // before EHLO
        Assert.Equal("250", await smtp.CommandAsync("EHLO c"));
        Assert.Equal("503", await smtp.CommandAsync("RCPT TO:<b@x.org>")); // before MAIL
        Assert.Equal("503", await smtp.CommandAsync("DATA")); // before MAIL
        Assert.Equal("250", await smtp.CommandAsync("MAIL FROM:<a@x.org>"));
        Assert.Equal("503", await smtp.CommandAsync("MAIL FROM:<a@x.org>")); // nested
        Assert.Equal("503", await smtp.CommandAsync("DATA")); // before RCPT
        Assert.Equal("250", await smtp.CommandAsync("RSET"));
        Assert.Equal("503", await smtp.CommandAsync("RCPT TO:<b@x.org>")); // RSET ended the transaction
        Assert.Equal("250", await smtp.CommandAsync("NOOP"));
    }

    [Theory]
    [InlineData("VRFY postmaster", "252")]
    [InlineData("HELP", "214")]
    [InlineData("STARTTLS", "502")]
    [InlineData("AUTH PLAIN AGxvZ2luAHNlY3JldA==", "502")]
    [InlineData("FOO bar", "500")]
    [InlineData("", "500")]
    [InlineData("EHLO", "501")]
    [InlineData("MAIL TO:<a@x.org>", "501")]
    [InlineData("MAIL FROM:<a@x.org> SMTPUTF8", "555")]
    public async Task Single_commands_get_their_rfc_5321_replies(string command, string expected)
    {
        await using var harness = await ListenerHarness.StartAsync();
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO c");

        Assert.Equal(expected, await smtp.CommandAsync(command));
        Assert.Equal("250", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Bounce_sender_and_malformed_recipients_are_told_apart()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { AcceptedDomains = ["shop.test"] });
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO c");

        Assert.Equal("250", await smtp.CommandAsync("MAIL FROM:<>"));
        Assert.Equal("501", await smtp.CommandAsync("RCPT TO:<>"));
        Assert.Equal("501", await smtp.CommandAsync("RCPT TO:<a b@shop.test>"));
        Assert.Equal("550", await smtp.CommandAsync("RCPT TO:<someone@elsewhere.test>"));
        Assert.Equal("250", await smtp.CommandAsync("RCPT TO:<reply+o1-abc@SHOP.TEST>"));
    }

    [Fact]
    public async Task Declared_size_over_the_limit_is_refused_with_552_before_any_data()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { MaxMessageBytes = 2048 });
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO c");

        Assert.Equal("552", await smtp.CommandAsync("MAIL FROM:<a@x.org> SIZE=4096"));
        Assert.Equal("250", await smtp.CommandAsync("MAIL FROM:<a@x.org> SIZE=1000"));
    }

    [Fact]
    public async Task Message_over_the_limit_is_read_to_its_end_refused_with_552_not_stored_and_the_session_goes_on()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { MaxMessageBytes = 2048 });
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();
        await smtp.CommandAsync("EHLO c");
        await smtp.CommandAsync("MAIL FROM:<a@x.org>");
        await smtp.CommandAsync("RCPT TO:<b@x.org>");
        Assert.Equal("354", await smtp.CommandAsync("DATA"));

        var body = string.Concat(Enumerable.Repeat(new string('x', 70) + "\r\n", 100)) + new string('y', 5000) + "\r\n";
        await smtp.SendAsync("Subject: big\r\n\r\n" + body + ".\r\n");

        Assert.StartsWith("552 5.3.4", await smtp.ReplyAsync());
        Assert.Empty(harness.Received);
        Assert.Equal("250", await smtp.CommandAsync("NOOP"));
        Assert.Equal("503", await smtp.CommandAsync("RCPT TO:<b@x.org>")); // the transaction is over
    }

    [Fact]
    public async Task Command_line_over_512_octets_gets_500_and_the_session_goes_on()
    {
        await using var harness = await ListenerHarness.StartAsync();
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();

        await smtp.SendAsync("EHLO " + new string('a', 5000) + "\r\n");

        Assert.StartsWith("500 5.5.2 Error: line too long", await smtp.ReplyAsync());
        Assert.Equal("250", await smtp.CommandAsync("EHLO c"));
    }

    [Fact]
    public async Task Garbage_gets_errors_until_the_limit_then_421_and_the_listener_still_serves_others()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { MaxErrors = 3 });
        await using (var smtp = await harness.ConnectAsync())
        {
            await smtp.ReplyAsync();
            var garbage = new byte[300];
            new Random(3).NextBytes(garbage);
            for (var i = 0; i < garbage.Length; i += 37) garbage[i] = (byte)'\n';
            await smtp.SendAsync(garbage);

            string? reply;
            var replies = new List<string>();
            while ((reply = await smtp.ReplyAsync()) is not null) replies.Add(reply[..3]);

            Assert.Equal(["500", "500", "500", "421"], replies.Where(r => r != "502").Take(4));
            Assert.Equal("421", replies[^1]);
        }

        await using var next = await harness.ConnectAsync();
        Assert.StartsWith("220", await next.ReplyAsync());
        Assert.Equal("250", await next.CommandAsync("EHLO c"));
    }

    [Fact]
    public async Task Http_request_sent_to_the_smtp_port_is_answered_with_errors_not_a_crash()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { MaxErrors = 2 });
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();

        await smtp.SendAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl\r\n\r\n");

        Assert.Equal(["500", "500", "421"], [(await smtp.ReplyAsync())![..3], (await smtp.ReplyAsync())![..3], (await smtp.ReplyAsync())![..3]]);
        Assert.True(await smtp.ClosedAsync());
    }

    [Fact]
    public async Task Silent_client_is_told_421_and_disconnected_after_the_idle_timeout()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();

        Assert.StartsWith("421 4.4.2", await smtp.ReplyAsync());
        Assert.True(await smtp.ClosedAsync());
    }

    [Fact]
    public async Task Connection_beyond_the_maximum_is_told_421_while_the_others_are_served()
    {
        await using var harness = await ListenerHarness.StartAsync(new SmtpListenerOptions { MaxConnections = 2 });
        await using var first = await harness.ConnectAsync();
        await using var second = await harness.ConnectAsync();
        Assert.StartsWith("220", await first.ReplyAsync());
        Assert.StartsWith("220", await second.ReplyAsync());

        await using var third = await harness.ConnectAsync();

        Assert.StartsWith("421 4.3.2", await third.ReplyAsync());
        Assert.True(await third.ClosedAsync());
        Assert.Equal("250", await first.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Sink_failure_is_answered_451_so_the_client_tries_again_later()
    {
        await using var harness = await ListenerHarness.StartAsync();
        harness.OnAccept = _ => throw new InvalidOperationException("database is down");
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();
        await smtp.SendAsync("EHLO c\r\nMAIL FROM:<a@x.org>\r\nRCPT TO:<b@x.org>\r\nDATA\r\n");
        for (var i = 0; i < 4; i++) await smtp.ReplyAsync();

        await smtp.SendAsync("Subject: x\r\n\r\nbody\r\n.\r\n");

        Assert.StartsWith("451 4.3.0", await smtp.ReplyAsync());
        Assert.Equal("250", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Stopped_listener_closes_open_sessions_and_refuses_new_connections()
    {
        var harness = await ListenerHarness.StartAsync();
        var port = harness.Port;
        await using var smtp = await harness.ConnectAsync();
        await smtp.ReplyAsync();

        await harness.DisposeAsync();

        Assert.StartsWith("421", await smtp.ReplyAsync());
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => SmtpConversation.OpenAsync(port));
    }
}
