# Peer: System.map lookups the way a script does it (parse, sort, bisect), printing name+0xoff/0xsize.
import bisect, sys
addrs=[]; names=[]
for line in open(sys.argv[1]):
    f=line.split()
    if len(f) >= 3 and f[1] not in 'Aa':
        addrs.append(int(f[0],16)); names.append(f[2])
out=[]
for line in open(sys.argv[2]):
    a=int(line,16)
    i=bisect.bisect_right(addrs,a)-1
    j=bisect.bisect_right(addrs,addrs[i])
    size=addrs[j]-addrs[i] if j < len(addrs) else 0
    out.append('%s+0x%x/0x%x\n'%(names[i],a-addrs[i],size))
sys.stdout.write(''.join(out))
