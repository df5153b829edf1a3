import requests

resp = requests.post(
    "https://api.heygen.com/v3/video-agents",
    headers={"X-Api-Key": HEYGEN_API_KEY},
    json={
        "prompt": "Create a 45-second explainer about our Q3 product launch. Use a friendly, upbeat tone.",
        "orientation": "landscape",
        "files": [
            {"type": "url", "url": "https://example.com/q3-launch-deck.pdf"}
        ],
    },
)
data = resp.json()["data"]
session_id = data["session_id"]
