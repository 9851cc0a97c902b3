// Docker stories the differential suite tells a real dockerd and nslab alike: what the
// articles do, and what people ask of Docker's networking around it (addresses, aliases,
// published ports, host-gateway, connect and disconnect, --internal, enable_icc=false, the
// network modes) and Docker's refusals. Each is a list of docker command lines, as typed.

export const STORIES: Readonly<Record<string, readonly string[]>> = {
  'the second article': [
    'docker network create my_bridge',
    'docker run -d --net=my_bridge --name=db redis',
    'docker run -itd --name=web nginx',
    'docker network connect my_bridge web',
  ],
  'a subnet, a gateway, a fixed address and an alias': [
    'docker network create --subnet 10.10.0.0/24 --gateway 10.10.0.254 backend',
    'docker network create --subnet 10.20.0.0/16 --ip-range 10.20.5.0/24 ranged',
    'docker run -d --network backend --ip 10.10.0.50 --network-alias api --name svc nginx',
    'docker run -d --network backend --name client busybox sleep infinity',
    'docker run -d --network ranged --name ranged1 busybox sleep infinity',
  ],
  'published ports': [
    'docker run -d -p 8080:80 --name web nginx',
    'docker run -d -p 127.0.0.1:8081:80 --name local nginx',
    'docker run -d -p 9090:90/udp --name udp busybox sleep infinity',
    'docker run -d -p 8082:80 -p 8443:443 --name two nginx',
  ],
  'host-gateway in /etc/hosts': [
    'docker run -d --add-host host.docker.internal:host-gateway --name app busybox sleep infinity',
    'docker run -d --add-host db.example:203.0.113.7 -h appname --name named busybox sleep infinity',
  ],
  'connect, disconnect, rm, network rm': [
    'docker network create frontend',
    'docker network create backend',
    'docker run -d --network frontend --name web nginx',
    'docker network connect backend web',
    'docker run -d --network backend --name db redis',
    'docker network disconnect frontend web',
    'docker rm -f db',
    'docker network rm frontend',
  ],
  '--internal and enable_icc=false': [
    'docker network create --internal iso',
    'docker network create -o com.docker.network.bridge.enable_icc=false locked',
    'docker run -d --network iso --name a1 busybox sleep infinity',
    'docker run -d --network locked --name b1 busybox sleep infinity',
    'docker run -d --network locked --name b2 busybox sleep infinity',
  ],
  'host, none and container:': [
    'docker run -d --network host --name hostnet busybox sleep infinity',
    'docker run -d --network none --name iso busybox sleep infinity',
    'docker run -d --name app busybox sleep infinity',
    'docker run -d --network container:app --name side busybox sleep infinity',
  ],
  "Docker's refusals": [
    'docker network create my_bridge',
    'docker network create my_bridge',
    'docker network create --subnet 172.18.5.0/24 other',
    'docker run -d --name web nginx',
    'docker run -d --name web nginx',
    'docker run -d -p 8080:80 --name a1 nginx',
    'docker run -d -p 8080:80 --name a2 nginx',
    'docker run -d --ip 172.17.0.9 --name a3 busybox sleep infinity',
    'docker run -d --network-alias x --name a4 busybox sleep infinity',
    'docker run -d --name a busybox sleep infinity',
    'docker network connect nonet web',
    'docker network connect my_bridge nocontainer',
    'docker network disconnect my_bridge web',
    'docker network rm bridge',
    'docker rm nocontainer',
    'docker rm web',
    'docker netork ls',
  ],
};
