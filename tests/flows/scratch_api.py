import json, copy

def test_explore(api, hotline):
    r = api.get("collector.rpr", "/api/districts/RPR/config")
    cfg, v = r.json["config"], r.json["version"]
    new = copy.deepcopy(cfg)
    new["departments"][2]["officers"]["L1"]["phone"] = "+919000000399"
    r = api.put("collector.rpr", "/api/districts/RPR/config", {"version": v, "config": new, "summary": "L1 PHE phone"})
    print(r.status_code, r.body.decode()[:300])
    r = api.put("collector.rpr", "/api/districts/RPR/config", {"version": v, "config": new, "summary": "again"})
    print(r.status_code, r.body.decode()[:300])
    r = api.get("collector.rpr", "/api/districts/RPR/audit")
    print(r.status_code, r.body.decode()[:600])
    bad = copy.deepcopy(new); bad["categories"][0]["department"] = "transport"
    r = api.put("collector.rpr", "/api/districts/RPR/config", {"version": v+1, "config": bad})
    print(r.status_code, r.body.decode()[:300])
    r = api.post(None, "/api/tickets/RPR1234567890/bogus", {})
    print(r.status_code, r.body)
    assert 0
