using System.Text;
using System.Text.Json;
using Automation.Channels.Outbox;
using Automation.Channels.Providers;
using Automation.Channels.Sms;
using Automation.Channels.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Channels.Tests.Sms;

public sealed class SmsProviderTests
{
    private static TwilioOptions Twilio(string baseUrl) => new()
    {
        BaseUrl = baseUrl,
        AccountSid = "AC0123456789",
        AuthToken = "secret-token-xyz",
        From = "+15550001111",
        StatusCallbackUrl = "https://shop.test/hooks/twilio/status",
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static OutboxSender Sender(TestChannelsDb channels, ISmsProvider provider, RecordingObserver? observer = null) =>
        new(channels.Db, [new SmsChannel(provider)], observer ?? new RecordingObserver(), new OutboxOptions(), channels.Clock, NullLogger<OutboxSender>.Instance);

    [Fact]
    public async Task Twilio_sms_is_posted_as_a_form_with_basic_auth_callback_and_idempotency_key_and_its_sid_is_recorded()
    {
        await using var twilio = await FakeProviderServer.StartAsync(_ => (201, """{"sid":"SM0001","status":"queued","error_code":null}"""));
        await using var channels = await TestChannelsDb.CreateAsync();
        using var http = new HttpClient();
        var message = await channels.EnqueueAsync(SmsMessages.Create("order-42-sms-a2", "+47 400 00 001", "Order 42 shipped: track at https://x.test", orderId: 42));

        await Sender(channels, new TwilioSmsProvider(http, Twilio(twilio.BaseUrl))).DeliverDueAsync();

        var request = Assert.Single(twilio.Requests);
        Assert.Equal(("POST", "/2010-04-01/Accounts/AC0123456789/Messages.json"), (request.Method, request.Path));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123456789:secret-token-xyz")), request.Headers["Authorization"]);
        Assert.Equal("order-42-sms-a2", request.Headers["Idempotency-Key"]);
        Assert.Equal("+4740000001", request.Form["To"]);
        Assert.Equal("+15550001111", request.Form["From"]);
        Assert.Equal("Order 42 shipped: track at https://x.test", request.Form["Body"]);
        Assert.Equal("https://shop.test/hooks/twilio/status", request.Form["StatusCallback"]);
        var sent = await channels.MessageAsync(message.Id);
        Assert.Equal((OutboxStatus.Sent, "SM0001", "queued"), (sent.Status, sent.ProviderMessageId, sent.ProviderStatus));
    }

    [Fact]
    public async Task Twilio_error_reply_fails_the_sms_at_once_with_twilios_code_and_message()
    {
        await using var twilio = await FakeProviderServer.StartAsync(_ =>
            (400, """{"code":21211,"message":"The 'To' number +4740000001 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"""));
        await using var channels = await TestChannelsDb.CreateAsync();
        using var http = new HttpClient();
        var observer = new RecordingObserver();
        var message = await channels.EnqueueAsync(SmsMessages.Create("k", "+4740000001", "hi"));

        await Sender(channels, new TwilioSmsProvider(http, Twilio(twilio.BaseUrl)), observer).DeliverDueAsync();

        var failed = await channels.MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal("Twilio answered 400 BadRequest: 21211 The 'To' number +4740000001 is not a valid phone number.", failed.LastError);
        Assert.Equal(failed.LastError, Assert.Single(observer.Failed).Error);
        Assert.DoesNotContain("secret-token-xyz", failed.LastError);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Twilio_overloaded_is_retried_with_the_same_idempotency_key_until_it_accepts(int status)
    {
        var calls = 0;
        await using var twilio = await FakeProviderServer.StartAsync(_ =>
            Interlocked.Increment(ref calls) == 1 ? (status, """{"code":20429,"message":"Too Many Requests"}""") : (201, """{"sid":"SM2","status":"queued"}"""));
        await using var channels = await TestChannelsDb.CreateAsync();
        using var http = new HttpClient();
        var message = await channels.EnqueueAsync(SmsMessages.Create("order-1-sms", "+4740000001", "hi"));
        var sender = Sender(channels, new TwilioSmsProvider(http, Twilio(twilio.BaseUrl)));

        await sender.DeliverDueAsync();
        var pending = await channels.MessageAsync(message.Id);
        channels.Clock.Advance(TimeSpan.FromMinutes(1));
        await sender.DeliverDueAsync();

        Assert.Equal(OutboxStatus.Pending, pending.Status);
        Assert.StartsWith($"Twilio answered {status}", pending.LastError);
        Assert.Equal(OutboxStatus.Sent, (await channels.MessageAsync(message.Id)).Status);
        Assert.Equal(["order-1-sms", "order-1-sms"], twilio.Requests.Select(r => r.Headers["Idempotency-Key"]));
    }

    [Fact]
    public async Task Provider_that_does_not_answer_in_time_is_retried()
    {
        await using var slow = await FakeProviderServer.StartAsync(async (_, aborted) =>
        {
            await Task.Delay(Timeout.Infinite, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return (201, "{}");
        });
        await using var channels = await TestChannelsDb.CreateAsync();
        using var http = new HttpClient();
        var message = await channels.EnqueueAsync(SmsMessages.Create("k", "+4740000001", "hi"));
        var options = new HttpJsonProviderOptions { Url = slow.BaseUrl + "/sms", Timeout = TimeSpan.FromMilliseconds(300) };

        await Sender(channels, new HttpJsonSmsProvider(http, options)).DeliverDueAsync();

        var pending = await channels.MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Pending, pending.Status);
        Assert.Equal("SMS gateway did not answer within 0.3 s", pending.LastError);
    }

    [Fact]
    public async Task Generic_gateway_gets_json_with_its_headers_and_the_key_and_its_id_is_recorded()
    {
        await using var gateway = await FakeProviderServer.StartAsync(_ => (200, """{"id":"g-77","status":"accepted"}"""));
        await using var channels = await TestChannelsDb.CreateAsync();
        using var http = new HttpClient();
        var options = new HttpJsonProviderOptions
        {
            Url = gateway.BaseUrl + "/v1/sms?channel=shop",
            From = "Shop",
            Headers = new Dictionary<string, string> { ["X-Api-Key"] = "k-123" },
        };
        var message = await channels.EnqueueAsync(SmsMessages.Create("order-9-sms", "+4740000001", "Code: 1234"));

        await Sender(channels, new HttpJsonSmsProvider(http, options)).DeliverDueAsync();

        var request = Assert.Single(gateway.Requests);
        Assert.Equal(("POST", "/v1/sms?channel=shop"), (request.Method, request.Path));
        Assert.Equal(("k-123", "order-9-sms"), (request.Headers["X-Api-Key"], request.Headers["Idempotency-Key"]));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal(("+4740000001", "Shop", "Code: 1234", "order-9-sms"),
            (json.RootElement.GetProperty("to").GetString(), json.RootElement.GetProperty("from").GetString(),
             json.RootElement.GetProperty("text").GetString(), json.RootElement.GetProperty("idempotencyKey").GetString()));
        var sent = await channels.MessageAsync(message.Id);
        Assert.Equal(("g-77", "accepted"), (sent.ProviderMessageId, sent.ProviderStatus));
        Assert.DoesNotContain("k-123", options.ToString());
    }

    [Fact]
    public async Task Generic_gateway_refusal_fails_the_sms_with_the_gateways_reason()
    {
        await using var gateway = await FakeProviderServer.StartAsync(_ => (422, """{"error":"number is on the block list"}"""));
        using var http = new HttpClient();

        var result = await new HttpJsonSmsProvider(http, new HttpJsonProviderOptions { Url = gateway.BaseUrl })
            .SendAsync(new SmsRequest("+4740000001", null, "hi"), "k", CancellationToken.None);

        Assert.Equal(DeliveryResult.Reject("SMS gateway answered 422 UnprocessableEntity: number is on the block list"), result);
    }

    [Fact]
    public async Task Unreachable_gateway_is_a_failure_worth_retrying()
    {
        using var http = new HttpClient();
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}/sms";
        port.Stop();

        var result = await new HttpJsonSmsProvider(http, new HttpJsonProviderOptions { Url = url })
            .SendAsync(new SmsRequest("+4740000001", null, "hi"), "k", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.StartsWith("SMS gateway could not be reached", result.Error);
    }

    [Fact]
    public async Task Log_provider_sends_nothing_and_reports_the_message_as_logged()
    {
        var result = await new LogSmsProvider(NullLogger<LogSmsProvider>.Instance).SendAsync(new SmsRequest("+4740000001", null, "hi"), "k1", CancellationToken.None);

        Assert.Equal(DeliveryResult.Sent("log:k1", "logged"), result);
        Assert.Equal("+47••••••01", PhoneNumbers.Masked("+4740000001"));
    }

    [Fact]
    public void Sms_over_200_characters_or_to_a_non_number_is_refused_with_a_clear_message()
    {
        var tooLong = Assert.Throws<ChannelValidationException>(() => SmsMessages.Create("k", "+4740000001", new string('a', 201)));
        var notANumber = Assert.Throws<ChannelValidationException>(() => SmsMessages.Create("k", "call me maybe", "hi"));

        Assert.Equal("text is 201 characters long; an SMS may have at most 200.", tooLong.Message);
        Assert.Equal("to", notANumber.Field);
        Assert.Equal("+4740000001", SmsMessages.Create("k", "+47 (400) 00-001", new string('a', 200)).Recipient);
    }

    [Fact]
    public void Twilio_options_never_show_the_token()
    {
        Assert.DoesNotContain("secret-token-xyz", Twilio("https://api.twilio.com").ToString());
    }
}
