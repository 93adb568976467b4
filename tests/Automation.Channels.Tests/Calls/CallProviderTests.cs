using System.Text.Json;
using System.Xml.Linq;
using Automation.Channels.Calls;
using Automation.Channels.Outbox;
using Automation.Channels.Providers;
using Automation.Channels.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Channels.Tests.Calls;

public sealed class CallProviderTests
{
    private static OutboxSender Sender(TestChannelsDb channels, ICallProvider provider) =>
        new(channels.Db, [new CallChannel(provider)], NoOutboxObserver.Instance, new OutboxOptions(), channels.Clock, NullLogger<OutboxSender>.Instance);

    [Fact]
    public async Task Twilio_call_posts_twiml_with_say_and_prosody_and_records_the_call_sid()
    {
        await using var twilio = await FakeProviderServer.StartAsync(_ => (201, """{"sid":"CA0001","status":"queued"}"""));
        await using var channels = await TestChannelsDb.CreateAsync();
        using var http = new HttpClient();
        var options = new TwilioOptions
        {
            BaseUrl = twilio.BaseUrl,
            AccountSid = "AC1",
            AuthToken = "tok",
            From = "+15550002222",
            StatusCallbackUrl = "https://shop.test/hooks/calls",
        };
        var script = new CallPayload { Text = "Your order 42 & more < is ready", Language = "en-US", Voice = "Polly.Joanna", Speed = 90, VolumeDb = 2 };
        var message = await channels.EnqueueAsync(CallMessages.Create("order-42-call", "+4740000001", script, orderId: 42));

        await Sender(channels, new TwilioCallProvider(http, options)).DeliverDueAsync();

        var request = Assert.Single(twilio.Requests);
        Assert.Equal("/2010-04-01/Accounts/AC1/Calls.json", request.Path);
        Assert.Equal(("+4740000001", "+15550002222", "order-42-call"), (request.Form["To"], request.Form["From"], request.Headers["Idempotency-Key"]));
        Assert.Equal(("https://shop.test/hooks/calls", "completed"), (request.Form["StatusCallback"], request.Form["StatusCallbackEvent"]));
        var say = XElement.Parse(request.Form["Twiml"]).Element("Say")!;
        Assert.Equal(("en-US", "Polly.Joanna"), ((string?)say.Attribute("language"), (string?)say.Attribute("voice")));
        var prosody = say.Element("prosody")!;
        Assert.Equal(("90%", "+2dB", "Your order 42 & more < is ready"), ((string?)prosody.Attribute("rate"), (string?)prosody.Attribute("volume"), prosody.Value));
        Assert.Equal(("CA0001", "queued"), ((await channels.MessageAsync(message.Id)).ProviderMessageId, (await channels.MessageAsync(message.Id)).ProviderStatus));
    }

    [Fact]
    public void Audio_file_call_plays_the_file()
    {
        Assert.Equal("<Response><Play>https://cdn.test/a.mp3?x=1&amp;y=2</Play></Response>", TwiML.For(new CallPayload { AudioUrl = "https://cdn.test/a.mp3?x=1&y=2" }));
    }

    [Fact]
    public async Task Generic_voice_service_gets_the_script_as_json_and_a_refusal_fails_the_call()
    {
        var answers = new Queue<(int, string)>([(202, """{"callId":"v-1"}"""), (400, """{"message":"unsupported voice"}""")]);
        await using var service = await FakeProviderServer.StartAsync(_ => answers.Dequeue());
        using var http = new HttpClient();
        var provider = new HttpJsonCallProvider(http, new HttpJsonProviderOptions { Url = service.BaseUrl + "/calls", From = "+15550003333" });
        var script = new CallPayload { Text = "Hello", Language = "de-DE", Voice = "anna", Speed = 110, VolumeDb = -3 };

        var placed = await provider.CallAsync(new CallRequest("+4740000001", null, script), "order-5-call", CancellationToken.None);
        var refused = await provider.CallAsync(new CallRequest("+4740000001", null, script), "order-6-call", CancellationToken.None);

        Assert.Equal(DeliveryResult.Sent("v-1"), placed);
        Assert.Equal(DeliveryResult.Reject("voice service answered 400 BadRequest: unsupported voice"), refused);
        using var json = JsonDocument.Parse(service.Requests.First().Body);
        var root = json.RootElement;
        Assert.Equal(("+4740000001", "+15550003333", "Hello", "de-DE", "anna", 110, -3, "order-5-call"),
            (root.GetProperty("to").GetString(), root.GetProperty("from").GetString(), root.GetProperty("text").GetString(),
             root.GetProperty("language").GetString(), root.GetProperty("voice").GetString(), root.GetProperty("speed").GetInt32(),
             root.GetProperty("volumeDb").GetInt32(), root.GetProperty("idempotencyKey").GetString()));
        Assert.Equal("order-5-call", service.Requests.First().Headers["Idempotency-Key"]);
    }

    [Fact]
    public async Task Log_provider_places_no_call_and_reports_it_as_logged()
    {
        var result = await new LogCallProvider(NullLogger<LogCallProvider>.Instance)
            .CallAsync(new CallRequest("+4740000001", null, new CallPayload { Text = "hi" }), "k", CancellationToken.None);

        Assert.Equal(DeliveryResult.Sent("log:k", "logged"), result);
    }

    [Theory]
    [InlineData(null, null, "text")]
    [InlineData("hi", "https://cdn.test/a.mp3", "text")]
    [InlineData(null, "file:///etc/passwd", "audioUrl")]
    public void Call_script_must_be_either_text_or_a_public_audio_url(string? text, string? audio, string field)
    {
        var error = Assert.Throws<ChannelValidationException>(() =>
            CallMessages.Create("k", "+4740000001", new CallPayload { Text = text, AudioUrl = audio }));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Speed_and_volume_outside_their_ranges_are_refused()
    {
        Assert.Equal("speed", Assert.Throws<ChannelValidationException>(() => CallMessages.Validate(new CallPayload { Text = "x", Speed = 500 })).Field);
        Assert.Equal("volume", Assert.Throws<ChannelValidationException>(() => CallMessages.Validate(new CallPayload { Text = "x", VolumeDb = 9 })).Field);
    }
}
